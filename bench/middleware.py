"""Counts and times what a request costs inside the worker, for the bench's reports.

It sits first in the stack and swaps the psycopg connection's cursor factory for a counting
subclass, so statements sent outside Django's cursor wrappers count too (django-tenants sends
``SET search_path`` on the raw psycopg connection). Each response carries:

- ``X-Bench-SQL``: statements sent;
- ``X-Bench-Ms`` / ``X-Bench-Cpu-Ms``: wall-clock and CPU time of the request in the worker
  (the client's latency minus the first is time queued for a worker);
- ``X-Bench-Lock-Ms``: time spent in ``SELECT … FOR UPDATE`` statements, i.e. waiting for the
  row locks a purchase takes, plus the statement itself.

Bench settings only.
"""

from __future__ import annotations

import time

from django.db import connection

SQL_HEADER = "X-Bench-SQL"
WALL_HEADER = "X-Bench-Ms"
CPU_HEADER = "X-Bench-Cpu-Ms"
LOCK_HEADER = "X-Bench-Lock-Ms"
_counter = {"statements": 0, "lock_s": 0.0}
_counting_classes: dict[type, type] = {}


def _is_locking(query) -> bool:
    # Django's row locks are plain strings; composed SQL (search_path) never locks rows.
    return isinstance(query, str) and "FOR UPDATE" in query


def _counting(cursor_class: type) -> type:
    if cursor_class not in _counting_classes:

        def execute(self, query, *args, **kwargs):
            _counter["statements"] += 1
            if not _is_locking(query):
                return cursor_class.execute(self, query, *args, **kwargs)
            started = time.perf_counter()
            try:
                return cursor_class.execute(self, query, *args, **kwargs)
            finally:
                _counter["lock_s"] += time.perf_counter() - started

        def executemany(self, *args, **kwargs):
            _counter["statements"] += 1
            return cursor_class.executemany(self, *args, **kwargs)

        _counting_classes[cursor_class] = type(
            f"Counting{cursor_class.__name__}",
            (cursor_class,),
            {"execute": execute, "executemany": executemany, "_bench_counting": True},
        )
    return _counting_classes[cursor_class]


class SqlCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        wall, cpu = time.perf_counter(), time.process_time()
        connection.ensure_connection()  # a no-op on the warm path (persistent connection)
        raw = connection.connection
        if not getattr(raw.cursor_factory, "_bench_counting", False):
            raw.cursor_factory = _counting(raw.cursor_factory)
        _counter["statements"], _counter["lock_s"] = 0, 0.0
        response = self.get_response(request)
        response[SQL_HEADER] = str(_counter["statements"])
        response[LOCK_HEADER] = f"{_counter['lock_s'] * 1000:.2f}"
        response[CPU_HEADER] = f"{(time.process_time() - cpu) * 1000:.2f}"
        response[WALL_HEADER] = f"{(time.perf_counter() - wall) * 1000:.2f}"
        return response
