"""The German catalogs: the project's (``locale/``) and each app's own (``<app>/locale/``)."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CATALOGS = [ROOT / "locale" / "de" / "LC_MESSAGES"] + sorted(
    path.parent for path in ROOT.glob("*/locale/de/LC_MESSAGES/django.po")
)


def po_entries(path: Path) -> dict[str, str | list[str]]:
    """msgid → msgstr (or the plural forms), from a .po file without fuzzy entries."""
    entries: dict[str, str | list[str]] = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            if line.startswith('"'):
                fields[key] += ast.literal_eval(line)
            else:
                key, _, value = line.partition(" ")
                fields[key] = ast.literal_eval(value)
        if fields.get("msgid"):
            plural = [v for k, v in sorted(fields.items()) if k.startswith("msgstr[")]
            entries[fields["msgid"]] = plural or fields["msgstr"]
    return entries
