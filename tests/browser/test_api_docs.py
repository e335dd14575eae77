"""The API's docs in a real browser: Swagger UI draws every operation of the schema, served from
our own static files, nothing asked of another host, no error in the console (the page's CSP
included)."""

from __future__ import annotations

from tests.browser.conftest import ARTIFACTS


def test_the_api_docs_draw_every_operation_without_a_console_error(
    django_db_setup, gunicorn, browser
):
    path, drawn = "/api/v1/docs/", ".opblock"
    port, _log = gunicorn
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    outside: list[str] = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if "alpha.localhost" not in r.url else None,
    )

    base = f"http://alpha.localhost:{port}"
    page.goto(f"{base}{path}")
    schema = page.evaluate(
        "fetch('/api/v1/schema/', {headers: {Accept: 'application/json'}}).then(r => r.json())"
    )
    operations = sum(len(methods) for methods in schema["paths"].values())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"api-docs-{path.strip('/').replace('/', '-')}.png"
    try:
        page.wait_for_function(
            "([selector, n]) => document.querySelectorAll(selector).length >= n",
            arg=[drawn, operations],
            timeout=20_000,
        )
    finally:
        page.screenshot(path=str(shot), full_page=False)
    text = page.locator("body").inner_text()

    assert operations >= 14 and page.locator(drawn).count() == operations
    assert "/api/v1/orders/{id}/refund/" in text or "Refund part or all" in text
    assert errors == []
    assert [url for url in outside if not url.startswith(("data:", "blob:"))] == []
