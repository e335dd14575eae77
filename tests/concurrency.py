"""Real concurrency for tests: work released in several threads at once, each with its own
database connection."""

from __future__ import annotations

import threading

from django.db import connection


def run_at_once(work, items) -> list:
    """Run ``work(item)`` for every item in its own thread, all released together."""
    barrier = threading.Barrier(len(items))
    results: list = [None] * len(items)

    def run(index, item):
        try:
            barrier.wait()
            results[index] = work(item)
        except Exception as error:  # noqa: BLE001 - the outcome is what the test inspects
            results[index] = error
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=run, args=(i, item)) for i, item in enumerate(items)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
