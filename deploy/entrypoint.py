"""The image's entrypoint: compose ``DATABASE_URL`` from its parts, then run the command.

``docker-compose.yml`` passes the database's host, name, user and password as separate variables
(``POSTGRES_*``, as the ``db`` service takes them) rather than a URL written with ``${…}``
interpolation: a password with ``@``, ``:``, ``/``, ``?``, ``#`` or ``%`` would break such a URL.
Here each part is percent-encoded, which django-environ decodes again. A ``DATABASE_URL`` given
outright wins (a managed database, another deployment). Everything else — gunicorn, Celery,
``manage.py …`` — is the command itself, exec'd with this environment (the process keeps PID 1's
signals).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from urllib.parse import quote


def database_url(environ: Mapping[str, str]) -> str | None:
    """``DATABASE_URL``, else one composed of ``POSTGRES_HOST`` (required), ``POSTGRES_PORT``
    (5432), ``POSTGRES_USER`` (postgres), ``POSTGRES_PASSWORD`` and ``POSTGRES_DB`` (the user)."""
    if environ.get("DATABASE_URL"):
        return environ["DATABASE_URL"]
    host = environ.get("POSTGRES_HOST", "")
    if not host:
        return None
    user = environ.get("POSTGRES_USER") or "postgres"
    password = environ.get("POSTGRES_PASSWORD", "")
    name = environ.get("POSTGRES_DB") or user
    port = environ.get("POSTGRES_PORT") or "5432"
    credentials = quote(user, safe="") + (f":{quote(password, safe='')}" if password else "")
    return f"postgres://{credentials}@{quote(host, safe='')}:{port}/{quote(name, safe='')}"


def main(argv: list[str]) -> None:
    if not argv:
        sys.exit("usage: entrypoint.py <command> [args…]")
    url = database_url(os.environ)
    if url:
        os.environ["DATABASE_URL"] = url
    os.execvp(argv[0], argv)  # noqa: S606 - the container's command, as given


if __name__ == "__main__":
    main(sys.argv[1:])
