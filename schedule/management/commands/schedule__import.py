"""Import an existing schedule (Guidebook CSV/XLSX) into the active event's work in progress:
``manage.py tenant_command schedule__import -s furrydelphia schedule.xlsx``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from event.selectors import active_event
from schedule.importer import read_table, rows_from_table
from schedule.services import schedule_import


class Command(BaseCommand):
    help = "Import sessions from a Guidebook-style CSV or XLSX file (nothing if a row is wrong)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        event = active_event()
        if event is None:
            raise CommandError("This convention has no active event.")
        path: Path = options["file"]
        try:
            rows = rows_from_table(
                event=event, table=read_table(name=path.name, content=path.read_bytes())
            )
            count = schedule_import(event=event, rows=rows)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"{count} sessions imported into the work in progress.")
