"""The compiled German catalogs (committed, for machines without gettext) match their .po: the
project's (``locale/``) and each app's own (``<app>/locale/``)."""

import gettext

import pytest

from tests.catalogs import CATALOGS, ROOT, po_entries


@pytest.mark.parametrize("catalog_dir", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_german_catalog_is_not_stale(catalog_dir):
    with (catalog_dir / "django.mo").open("rb") as mo:
        catalog = gettext.GNUTranslations(mo)

    entries = po_entries(catalog_dir / "django.po")

    assert entries
    for msgid, msgstr in entries.items():
        assert msgstr, f"untranslated: {msgid!r}"
        if isinstance(msgstr, list):
            assert catalog.ngettext(msgid, msgid, 1) == msgstr[0]
        else:
            assert catalog.gettext(msgid) == msgstr, f"recompile the .mo: {msgid!r}"
