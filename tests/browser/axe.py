"""axe-core run in the browser's page, for the browser tests."""

from __future__ import annotations

import json
from pathlib import Path

SERIOUS = {"serious", "critical"}


def assert_axe_clean(page, axe_path: Path, what: str) -> None:
    """axe-core finds nothing serious or critical on the page as it is now."""
    # Evaluated, not added as a <script>: the pages' Content-Security-Policy allows no inline
    # script, and the browser tests check that the pages break none of it.
    page.evaluate(axe_path.read_text(encoding="utf-8"))
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
             .map(v => ({id: v.id, impact: v.impact, help: v.help,
                         nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""
    )
    serious = [v for v in violations if v["impact"] in SERIOUS]
    assert serious == [], f"axe on {what}: {json.dumps(serious, indent=1)}"
