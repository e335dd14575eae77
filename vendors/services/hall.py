"""The hall's layout and who sits where: a grid of numbered tables (rows A, B, … of tables 1,
2, …) on which the vendor lead places paid dealers. Under the hall's lock (the event's
``VendorSettings`` row), as approvals are, so two leads placing at once never share a table."""

from __future__ import annotations

import string

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from event.models import Event
from vendors.models import Application, HallTable, VendorSettings

ROW_LETTERS = string.ascii_uppercase
MAX_PER_ROW = 60


def _label(row: int, column: int) -> str:
    return f"{ROW_LETTERS[row - 1]}{column}"


@transaction.atomic
def hall_layout_set(*, event: Event, rows: int, per_row: int) -> int:
    """Lay the hall out as ``rows`` rows (A, B, …) of ``per_row`` tables. Only while nobody is
    placed: moving tables under seated dealers would move the dealers. Returns the tables."""
    VendorSettings.objects.select_for_update().get(event=event)
    if not 1 <= rows <= len(ROW_LETTERS) or not 1 <= per_row <= MAX_PER_ROW:
        raise ValidationError(
            _("A hall has 1 to %(rows)s rows of 1 to %(per_row)s tables.")
            % {"rows": len(ROW_LETTERS), "per_row": MAX_PER_ROW}
        )
    if HallTable.objects.filter(event=event, application__isnull=False).exists():
        raise ValidationError(_("Dealers are placed on this layout: take them off it first."))
    HallTable.objects.filter(event=event).delete()
    HallTable.objects.bulk_create(
        HallTable(event=event, row=row, column=column, label=_label(row, column))
        for row in range(1, rows + 1)
        for column in range(1, per_row + 1)
    )
    return rows * per_row


@transaction.atomic
def tables_place(*, application_id: int, labels: list[str]) -> Application:
    """Put a paid dealer on these tables of the layout — exactly as many as they bought; tables
    they had before are freed. Refused when a table is unknown or someone else's."""
    application = Application.objects.get(pk=application_id)
    VendorSettings.objects.select_for_update().get(event_id=application.event_id)
    application = Application.objects.select_for_update().get(pk=application_id)
    if application.status != Application.Status.PAID:
        raise ValidationError(_("Only paid dealers are placed in the hall."))
    wanted = list(dict.fromkeys(label.strip().upper() for label in labels if label.strip()))
    if len(wanted) != application.hall_tables:
        raise ValidationError(
            _("%(business)s has %(count)s tables: name exactly %(count)s.")
            % {"business": application.business_name, "count": application.hall_tables}
        )
    tables = list(
        HallTable.objects.select_for_update(of=("self",))
        .filter(event_id=application.event_id, label__in=wanted)
        .select_related("application")
    )
    unknown = sorted(set(wanted) - {t.label for t in tables})
    if unknown:
        raise ValidationError(
            _("The hall has no table %(labels)s.") % {"labels": ", ".join(unknown)}
        )
    taken = [t for t in tables if t.application and t.application_id != application.pk]
    if taken and taken[0].application:
        raise ValidationError(
            _("Table %(label)s is %(business)s's.")
            % {"label": taken[0].label, "business": taken[0].application.business_name}
        )
    HallTable.objects.filter(application=application).exclude(label__in=wanted).update(
        application=None
    )
    HallTable.objects.filter(pk__in=[t.pk for t in tables]).update(application=application)
    application.table_numbers = " ".join(t.label for t in sorted(tables, key=_place))
    application.save(update_fields=["table_numbers"])
    return application


def tables_unplace(application: Application) -> None:
    """Free the tables of a dealer who is no longer in the hall."""
    HallTable.objects.filter(application=application).update(application=None)
    if application.table_numbers:
        application.table_numbers = ""
        Application.objects.filter(pk=application.pk).update(table_numbers="")


def _place(table: HallTable) -> tuple[int, int]:
    return (table.row, table.column)
