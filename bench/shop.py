"""Scenario 10 (``--only shop``): the merch drop. ``BUYERS`` logged-in buyers load the shop,
then all order the limited item at once (one each, a ``PIECES``-piece quota). Checked: exactly
``PIECES`` sold, no 5xx; the order p99 is reported against the plain page's p99 measured right
after on the same server.

Run by ``python -m bench --only shop``; the client is ``python -m bench.shop`` (a process of
its own, like ``bench.staff``)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

from bench.load import (
    _CSRF_FIELD,
    _latency_report,
    _set_cookies,
    http_request,
    rush_client_main,
)
from bench.stats import Row, against_page_p99, ratio, summarize

BUYERS = 300
PIECES = 50
SHOP_PATH = "/shop/"


def prepare(schema: str) -> dict:
    """In the bench tenant (its active event exists): the limited item and its quota."""
    from django_tenants.utils import schema_context

    from event.models import Event
    from shop.models import Product, Quota, Variant

    with schema_context(schema):
        event = Event.objects.get(is_active=True)
        product = Product.objects.create(event=event, name="Drop plush", per_order_limit=1)
        variant = Variant.objects.create(product=product, name="", price=Decimal("30.00"))
        Quota.objects.create(event=event, name="Drop", size=PIECES).variants.set([variant])
        return {"shop": f"/{event.slug}{SHOP_PATH}", "variant": variant.pk}


def outcome(schema: str, variant_id: int) -> dict:
    from django.db.models import Sum
    from django_tenants.utils import schema_context

    from shop.models import OrderLine

    with schema_context(schema):
        sold = (
            OrderLine.objects.filter(variant_id=variant_id).aggregate(n=Sum("quantity"))["n"] or 0
        )
    return {"sold": sold, "pieces": PIECES}


async def drop(*, port: int, host: str, sessions: list[str], spec: dict, connections: int) -> dict:
    """Every buyer loads the shop (CSRF cookie and token); then all order at once. Only the
    order POSTs are timed."""
    gate = asyncio.Semaphore(connections)
    prepared: list[tuple[dict[str, str], str]] = []

    async def load_shop(session_key: str) -> None:
        jar = {"sessionid": session_key}
        async with gate:
            status, headers, content = await http_request(
                port, host, "GET", spec["shop"], cookies=jar
            )
        if status != 200 or b"Drop plush" not in content:
            raise RuntimeError(f"the shop answered {status}")
        _set_cookies(headers, jar)
        token = _CSRF_FIELD.search(content)
        if token is None:
            raise RuntimeError("the shop page has no CSRF token")
        prepared.append((jar, token.group(1).decode()))

    await asyncio.gather(*(load_shop(key) for key in sessions))
    latencies: list[float] = []
    statuses: Counter = Counter()

    async def order(n: int, jar: dict[str, str], token: str) -> None:
        form = {
            "csrfmiddlewaretoken": token,
            f"qty-{spec['variant']}": "1",
            "provider": "door",
            "submission": f"drop-{n}",
        }
        async with gate:
            t0 = time.perf_counter()
            try:
                status, _, _ = await http_request(
                    port, host, "POST", spec["shop"], cookies=jar, form=form, timeout=60
                )
            except (OSError, TimeoutError, asyncio.IncompleteReadError) as error:
                statuses[type(error).__name__] += 1
                return
            latencies.append((time.perf_counter() - t0) * 1000)
            statuses[status] += 1

    started = time.perf_counter()
    await asyncio.gather(*(order(n, jar, token) for n, (jar, token) in enumerate(prepared)))
    report = _latency_report(latencies, statuses, time.perf_counter() - started)
    return report | {"buyers": len(prepared), "tool": "python-asyncio"}


def scenario(
    *,
    schema: str,
    sessions: list[str],
    run_client: Callable[[dict], dict],
    page_load: Callable[[], dict],
    log: Callable[[str], None],
) -> dict:
    spec = prepare(schema)
    result = run_client(spec)
    result |= outcome(schema, spec["variant"])
    page = page_load()
    result["page_p99_ms"] = page["p99_ms"]
    log(
        f"  sold {result['sold']}/{result['pieces']}, statuses {result['statuses']}, order p99 "
        f"{result['p99_ms']:.0f} ms vs page p99 {page['p99_ms']:.0f} ms"
    )
    if result["sold"] != result["pieces"] or result["server_errors"]:
        raise RuntimeError(f"the merch drop broke a rule: {result}")
    return result


def rows(result: dict) -> list[Row]:
    label = f"10 merch drop, {BUYERS} buyers, {PIECES} pieces"
    p99 = summarize([result["p99_ms"]])
    page_p99 = summarize([result["page_p99_ms"]])
    return [
        Row(
            label,
            "pieces sold (exactly the quota, no 5xx)",
            summarize([result["sold"]]),
            summarize([result["pieces"]]),
            "pieces",
            "pieces",
            ratio(result["sold"], result["pieces"]),
            "= 1",
            result["sold"] == result["pieces"] and not result["server_errors"],
            notes=f"statuses {result['statuses']}",
        ),
        against_page_p99(label, "order p99", p99, page_p99),
    ]


def main(argv: list[str] | None = None) -> int:
    return rush_client_main(argv, prog="python -m bench.shop", rush_of=drop)


if __name__ == "__main__":
    raise SystemExit(main())
