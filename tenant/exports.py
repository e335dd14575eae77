"""Spreadsheet exports that cannot run formulas: every CSV a person downloads is written here.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a formula
by Excel and LibreOffice (``=HYPERLINK(...)`` in a legal name, say). Such text cells get a
leading apostrophe, which spreadsheet programs show as plain text (OWASP's CSV injection advice).
Numbers are written as they are.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralized(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeCsvWriter:
    def __init__(self, stream: Any) -> None:
        self._writer = csv.writer(stream)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([neutralized(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: Any) -> SafeCsvWriter:
    """A ``csv.writer`` whose text cells can never become formulas."""
    return SafeCsvWriter(stream)
