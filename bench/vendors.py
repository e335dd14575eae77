"""Scenario 11 (``--only vendors``): the dealers' window opens. ``DEALERS`` logged-in people
load the application form, then all send it at once; every tenth sends the same form twice (a
double click). Checked: exactly one application each, none lost, no 5xx. Then the lead approves
``PAID`` of them (in-process, through the services: the hall's lock), they pay and are placed on
the hall's layout, and the public den — its map and its list of ``PAID`` dealers — is loaded
like the plain page. Reported: the apply p99 and the den's p99 against the plain page's p99,
measured right after on the same server.

Run by ``python -m bench --only vendors``; the client is ``python -m bench.vendors``."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable

from bench.load import (
    _CSRF_FIELD,
    _latency_report,
    _set_cookies,
    http_request,
    rush_client_main,
)
from bench.stats import Row, against_page_p99, ratio, summarize

DEALERS = 200
PAID = 100
APPLY_PATH = "/dealers/apply/"
DEN_PATH = "/dealers/"
TWICE_EVERY = 10


def prepare(schema: str) -> dict:
    """In the bench tenant (its active event exists): a den, open now, with a big hall."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone
    from django_tenants.utils import schema_context

    from event.models import Event
    from vendors.models import TableType, VendorSettings
    from vendors.services import hall_layout_set

    with schema_context(schema):
        event = Event.objects.get(is_active=True)
        now = timezone.now()
        VendorSettings.objects.create(
            event=event,
            hall_tables=PAID,
            max_tables_per_dealer=1,
            opens_at=now - dt.timedelta(hours=1),
            closes_at=now + dt.timedelta(days=30),
        )
        table = TableType.objects.create(event=event, name="Table", price=Decimal("80.00"))
        hall_layout_set(event=event, rows=10, per_row=PAID // 10)
        return {"apply": f"/{event.slug}{APPLY_PATH}", "table_type": table.pk}


def approve_pay_and_place(schema: str) -> int:
    """The lead's part, through the services: approve the first ``PAID``, record their
    payment, place each on a table. Returns how many were placed."""
    from django_tenants.utils import schema_context

    from vendors.models import Application
    from vendors.services import application_decide, invoice_pay, tables_place

    placed = 0
    with schema_context(schema):
        for n, application in enumerate(Application.objects.order_by("pk")[:PAID]):
            approved = application_decide(application_id=application.pk, decision="approved")
            invoice_pay(reference=approved.reference, amount=approved.total)
            tables_place(
                application_id=approved.pk, labels=[f"{'ABCDEFGHIJ'[n // 10]}{n % 10 + 1}"]
            )
            placed += 1
    return placed


def outcome(schema: str) -> dict:
    from django.db.models import Count
    from django_tenants.utils import schema_context

    from vendors.models import Application

    with schema_context(schema):
        applications = Application.objects.count()
        doubled = (
            Application.objects.values("account_id").annotate(n=Count("pk")).filter(n__gt=1).count()
        )
    return {"applications": applications, "doubled": doubled}


async def window_opens(
    *, port: int, host: str, sessions: list[str], spec: dict, connections: int
) -> dict:
    """Every dealer loads the form (CSRF cookie and token); then all send it at once, every
    tenth twice. Only the POSTs are timed."""
    gate = asyncio.Semaphore(connections)
    prepared: list[tuple[dict[str, str], str]] = []

    async def load_form(session_key: str) -> None:
        jar = {"sessionid": session_key}
        async with gate:
            status, headers, content = await http_request(
                port, host, "GET", spec["apply"], cookies=jar
            )
        if status != 200:
            raise RuntimeError(f"the application form answered {status}")
        _set_cookies(headers, jar)
        token = _CSRF_FIELD.search(content)
        if token is None:
            raise RuntimeError("the application form has no CSRF token")
        prepared.append((jar, token.group(1).decode()))

    await asyncio.gather(*(load_form(key) for key in sessions))
    latencies: list[float] = []
    statuses: Counter = Counter()

    async def send(n: int, jar: dict[str, str], token: str) -> None:
        form = {
            "csrfmiddlewaretoken": token,
            "business_name": f"Bench Dealer {n}",
            "contact_name": f"Dealer {n}",
            "wares": "Prints and plush",
            "categories": "prints, plush",
            "table_type": str(spec["table_type"]),
            "tables": "1",
            "submission": f"bench-{n}",
        }
        async with gate:
            t0 = time.perf_counter()
            try:
                status, _, _ = await http_request(
                    port, host, "POST", spec["apply"], cookies=jar, form=form, timeout=60
                )
            except (OSError, TimeoutError, asyncio.IncompleteReadError) as error:
                statuses[type(error).__name__] += 1
                return
            latencies.append((time.perf_counter() - t0) * 1000)
            statuses[status] += 1

    sends = [
        send(n, jar, token)
        for n, (jar, token) in enumerate(prepared)
        for _ in range(2 if n % TWICE_EVERY == 0 else 1)
    ]
    started = time.perf_counter()
    await asyncio.gather(*sends)
    report = _latency_report(latencies, statuses, time.perf_counter() - started)
    return report | {"dealers": len(prepared), "sent": len(sends), "tool": "python-asyncio"}


def scenario(
    *,
    schema: str,
    sessions: list[str],
    run_client: Callable[[dict], dict],
    page_load: Callable[[], dict],
    den_load: Callable[[], dict],
    log: Callable[[str], None],
) -> dict:
    spec = prepare(schema)
    result = run_client(spec)
    result |= outcome(schema)
    result["placed"] = approve_pay_and_place(schema)
    den = den_load()
    page = page_load()
    result |= {
        "den_p99_ms": den["p99_ms"],
        "den_non_2xx": den.get("non_2xx", 0),
        "page_p99_ms": page["p99_ms"],
    }
    log(
        f"  {result['applications']} applications from {result['dealers']} dealers "
        f"({result['sent']} sent), doubled {result['doubled']}, statuses {result['statuses']}; "
        f"apply p99 {result['p99_ms']:.0f} ms, den ({result['placed']} dealers) p99 "
        f"{den['p99_ms']:.0f} ms vs page p99 {page['p99_ms']:.0f} ms"
    )
    if (
        result["applications"] != result["dealers"]
        or result["doubled"]
        or result["server_errors"]
        or result["den_non_2xx"]
    ):
        raise RuntimeError(f"the dealers' window broke a rule: {result}")
    return result


def rows(result: dict) -> list[Row]:
    label = f"11 dealers' window, {DEALERS} dealers"
    p99 = summarize([result["p99_ms"]])
    den_p99 = summarize([result["den_p99_ms"]])
    page_p99 = summarize([result["page_p99_ms"]])
    correct = (
        result["applications"] == result["dealers"]
        and not result["doubled"]
        and not result["server_errors"]
    )
    return [
        Row(
            label,
            "one application each (every 10th sent twice), no 5xx",
            summarize([result["applications"]]),
            summarize([result["dealers"]]),
            "dealers",
            "applications",
            ratio(result["applications"], result["dealers"]),
            "= 1",
            correct,
            notes=f"statuses {result['statuses']}",
        ),
        against_page_p99(label, "apply p99", p99, page_p99),
        against_page_p99(
            label, f"den page p99 ({result['placed']} dealers, map)", den_p99, page_p99
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    return rush_client_main(argv, prog="python -m bench.vendors", rush_of=window_opens)


if __name__ == "__main__":
    raise SystemExit(main())
