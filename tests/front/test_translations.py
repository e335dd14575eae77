"""The compiled German catalog (committed, for machines without gettext) matches its .po."""

import ast
import gettext
from pathlib import Path

from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES"


def _po_entries(path: Path) -> dict[str, str | list[str]]:
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


def test_compiled_german_catalog_is_not_stale():
    with (LOCALE / "django.mo").open("rb") as mo:
        catalog = gettext.GNUTranslations(mo)

    entries = _po_entries(LOCALE / "django.po")

    assert len(entries) > 50
    for msgid, msgstr in entries.items():
        assert msgstr, f"untranslated: {msgid!r}"
        if isinstance(msgstr, list):
            assert catalog.ngettext(msgid, msgid, 1) == msgstr[0]
        else:
            assert catalog.gettext(msgid) == msgstr, f"recompile the .mo: {msgid!r}"
