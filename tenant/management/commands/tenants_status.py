import json

from django.core.management.base import BaseCommand
from django_tenants.utils import get_public_schema_name

from tenant.selectors import tenants_schema_status


class Command(BaseCommand):
    help = (
        "For every tenant: schema, hosts, state, and migration state per app (at head, behind "
        "by N, or drift: applied migrations the code does not have). Exits 1 when any schema "
        "is missing, behind or drifted. --json for monitoring."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--json", action="store_true", help="One JSON document on stdout.")

    def handle(self, *args, json: bool = False, **options) -> None:  # noqa: A002
        statuses = tenants_schema_status()
        if json:
            self.stdout.write(_json_dumps(statuses))
        else:
            for status in statuses:
                self._print(status)
        stale = [s.schema_name for s in statuses if not s.is_current]
        if stale:
            self.stderr.write(f"{len(stale)} schema(s) need attention: {', '.join(stale)}")
            raise SystemExit(1)
        if not json:
            self.stdout.write(self.style.SUCCESS(f"All {len(statuses)} schemas are at head."))

    def _print(self, status) -> None:
        state = status.lifecycle
        hosts = ", ".join(status.hosts) or "no host"
        self.stdout.write(f"{status.schema_name} ({status.name}, {state}) — {hosts}")
        if not status.schema_exists:
            self.stdout.write("    schema missing")
        if status.is_behind and status.schema_name != get_public_schema_name():
            self.stdout.write(
                self.style.ERROR(
                    '    ! behind the code: its hosts answer 503 "being updated" until '
                    "migrate_schemas runs"
                )
            )
        for app in status.apps:
            drift = f" ({', '.join(app.unknown)})" if app.unknown else ""
            self.stdout.write(
                f"    {app.app_label:<16} {app.applied:>3} applied  {app.state}{drift}"
            )


def _json_dumps(statuses) -> str:
    # Schemas at the same migrations share their app states: each is written out once.
    apps: dict[int, list[dict]] = {}
    for status in statuses:
        if id(status.apps) not in apps:
            apps[id(status.apps)] = [
                {
                    "app_label": app.app_label,
                    "applied": app.applied,
                    "behind": app.behind,
                    "unknown": app.unknown,
                    "state": app.state,
                }
                for app in status.apps
            ]
    # Compact (the standard library's C encoder; indenting is the slow pure-Python one).
    return json.dumps(
        [
            {
                "schema_name": s.schema_name,
                "name": s.name,
                "is_active": s.is_active,
                "hosts": s.hosts,
                "schema_exists": s.schema_exists,
                "apps": apps[id(s.apps)],
                "lifecycle": s.lifecycle,
                "is_current": s.is_current,
                "is_behind": s.is_behind,
            }
            for s in statuses
        ]
    )
