"""Counts every SQL statement a request sends, including ones sent outside Django's cursor
wrappers (django-tenants sends ``SET search_path`` on the raw psycopg connection).

It sits first in the stack and swaps the psycopg connection's cursor factory for a counting
subclass; the count goes out in the ``X-Bench-SQL`` response header. Bench settings only.
"""

from __future__ import annotations

from django.db import connection

SQL_HEADER = "X-Bench-SQL"
_counter = {"statements": 0}
_counting_classes: dict[type, type] = {}


def _counting(cursor_class: type) -> type:
    if cursor_class not in _counting_classes:

        def execute(self, *args, **kwargs):
            _counter["statements"] += 1
            return cursor_class.execute(self, *args, **kwargs)

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
        connection.ensure_connection()  # a no-op on the warm path (persistent connection)
        raw = connection.connection
        if not getattr(raw.cursor_factory, "_bench_counting", False):
            raw.cursor_factory = _counting(raw.cursor_factory)
        _counter["statements"] = 0
        response = self.get_response(request)
        response[SQL_HEADER] = str(_counter["statements"])
        return response
