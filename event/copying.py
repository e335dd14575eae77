"""Copying one event's set-up into another (``event_copy``): rows are copied as they are, with
every date and time moved by the same span as the event (a price tier "from 1 March" of this
year's event starts 1 March next year), and every reference to a row copied before pointed at
its copy. Each app copies its own set-up through its contract's ``copy_event``; people, orders
and anything that happened are never copied."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models

# Per model, the copy's id of each copied row's id: how later rows find their references.
Copied = dict[type[models.Model], dict[int, int]]


def _moved(value: Any, shift: dt.timedelta) -> Any:
    return value + shift if value is not None else None


def copy_rows(
    rows: models.QuerySet[Any],
    *,
    shift: dt.timedelta,
    copied: Copied,
    set_fields: dict[str, Any] | None = None,
) -> dict[int, int]:
    """Copy ``rows`` (of one model; parents before children when it refers to itself) with
    ``set_fields`` set on each (e.g. ``event``), dates moved by ``shift`` and references to
    rows in ``copied`` remapped, many-to-many ones included. Records and returns the id map."""
    set_fields = set_fields or {}
    mapping = copied.setdefault(rows.model, {})
    model = rows.model
    for row in rows:
        old_pk = row.pk
        links = {
            field.name: (field, list(getattr(row, field.name).values_list("pk", flat=True)))
            for field in model._meta.many_to_many
        }
        row.pk = None
        row._state.adding = True
        for field in model._meta.concrete_fields:
            if field.primary_key or field.name in set_fields:
                continue
            if isinstance(field, models.DateField) and not (
                getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
            ):
                setattr(row, field.attname, _moved(getattr(row, field.attname), shift))
            elif field.is_relation and (remap := copied.get(field.related_model)) is not None:  # type: ignore[arg-type]
                old = getattr(row, field.attname)
                if old is not None:
                    setattr(row, field.attname, remap.get(old, old))
        for name, value in set_fields.items():
            setattr(row, name, value)
        row.save()
        for name, (field, ids) in links.items():
            targets = copied.get(field.related_model)  # type: ignore[arg-type]
            getattr(row, name).set([targets.get(i, i) for i in ids] if targets else ids)
        mapping[old_pk] = row.pk
    return mapping
