"""django-tenants' STOCK ``migrate_schemas`` with the standard executor, whatever our project's
``migrate_schemas`` command has become: ``python -m bench.stock_migrate [migrate_schemas flags]``.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings.ours")
    import django

    django.setup()
    from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand

    # As from the command line (not call_command, which would skip the system checks that
    # `manage.py migrate_schemas` runs, for every schema): the two are compared like for like.
    MigrateSchemasCommand().run_from_argv(
        ["manage.py", "migrate_schemas", *argv, "--executor", "standard", "--noinput"]
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
