"""clone_tenant: a sandbox copy with its data, personal data scrambled on request, and mail
that never reaches real people."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django_tenants.utils import tenant_context

from api.models import Webhook
from event.models import Event
from midsummer.contract import not_copied_to_sandbox
from register.models import Order, Registration
from register.services import order_mark_paid
from tenant.models import Membership, Tenant
from tenant.sandbox import audit_history_tables
from tests.tenant.populated import populate

REAL_TRACES = ["Robin Realname", "Alex Actual", "real-people.example", "likes otters", "215 555"]


@pytest.fixture
def source(db):
    populated = populate("sba", "sbb")
    yield populated
    for schema in ("sba", "sbb", "sandy", "sandy2"):
        shutil.rmtree(Path(settings.MEDIA_ROOT) / schema, ignore_errors=True)


def _rows(schema: str) -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY 1", [schema])
        tables = [row[0] for row in cursor.fetchall()]
        rows = {}
        for table in tables:
            cursor.execute(f'SELECT row_to_json(t)::text FROM "{schema}"."{table}" t ORDER BY 1')  # noqa: S608
            rows[table] = [row[0] for row in cursor.fetchall()]
    return rows


def test_sandbox_copies_every_row_and_new_rows_continue_the_sequences(source):
    with tenant_context(source.a):
        Webhook.objects.create(url="https://bot.example/hooks", events=["order.paid"])
    call_command("clone_tenant", "sba", "sandy", domain="Sandy.localhost", verbosity=0)

    sandbox = Tenant.objects.get(schema_name="sandy")
    original, copy = _rows("sba"), _rows("sandy")
    with tenant_context(source.a):
        last_event = Event.objects.order_by("-pk").first().pk
    with tenant_context(sandbox):
        new_event = Event.objects.create(
            name="Rehearsal",
            slug="rehearsal",
            start_date="2027-01-01",
            end_date="2027-01-02",
            timezone="UTC",
            venue_name="X",
        )

    assert sandbox.is_sandbox and sandbox.sandbox_of == "sba"
    assert list(sandbox.domains.values_list("domain", flat=True)) == ["sandy.localhost"]
    empty = {"django_session", *audit_history_tables(), *not_copied_to_sandbox()}
    assert len(original["api_webhook"]) == 1
    assert copy == original | dict.fromkeys(empty, [])
    assert len(copy["register_registration"]) == 2
    assert new_event.pk == last_event + 1
    assert sorted(
        Membership.objects.filter(tenant=sandbox).values_list("user__email", flat=True)
    ) == sorted(Membership.objects.filter(tenant=source.a).values_list("user__email", flat=True))
    assert "Beta Secret Con" not in json.dumps(copy)  # nothing of the other convention


def test_scrambled_sandbox_keeps_no_real_personal_data_and_is_deterministic(source):
    call_command("clone_tenant", "sba", "sandy", domain="sandy.localhost", scramble=True)
    call_command("clone_tenant", "sba", "sandy2", domain="sandy2.localhost", scramble=True)

    copy = json.dumps(_rows("sandy"))
    with tenant_context(Tenant.objects.get(schema_name="sandy")):
        names = list(Registration.objects.order_by("pk").values_list("legal_name", "email"))
        tokens = set(Registration.objects.values_list("checkin_token", flat=True))
    with tenant_context(Tenant.objects.get(schema_name="sandy2")):
        names_again = list(Registration.objects.order_by("pk").values_list("legal_name", "email"))
    with tenant_context(source.a):
        real_tokens = set(Registration.objects.values_list("checkin_token", flat=True))

    assert [trace for trace in REAL_TRACES if trace in copy] == []
    assert all(trace in json.dumps(_rows("sba")) for trace in REAL_TRACES)  # source untouched
    assert names == names_again
    assert all(email.endswith("@sandbox.invalid") for _, email in names)
    assert tokens.isdisjoint(real_tokens)


def test_clone_to_a_taken_host_or_schema_is_refused(source):
    with pytest.raises(CommandError, match="sbb.localhost is already used"):
        call_command("clone_tenant", "sba", "sandy", domain="sbb.localhost")
    with pytest.raises(CommandError, match="No tenant with schema 'nope'"):
        call_command("clone_tenant", "nope", "sandy", domain="sandy.localhost")

    assert not Tenant.objects.filter(schema_name="sandy").exists()


GUARDED = {
    "EMAIL_BACKEND": "tenant.mail.SandboxGuardEmailBackend",
    "MIDSUMMER_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}


def _confirm_an_order() -> None:
    order = Order.objects.filter(account__email__startswith="buyer").get()
    order_mark_paid(order_id=order.pk, amount=order.total)


@override_settings(**GUARDED, SANDBOX_EMAIL_SINK="")
def test_sandbox_mail_is_dropped_and_the_source_still_mails(
    source, django_capture_on_commit_callbacks
):
    call_command("clone_tenant", "sba", "sandy", domain="sandy.localhost")
    sandbox = Tenant.objects.get(schema_name="sandy")

    with tenant_context(sandbox), django_capture_on_commit_callbacks(execute=True):
        _confirm_an_order()
        EmailMessage("Hello", "Hi", to=["member@real-people.example"]).send()
    sent_in_sandbox = list(mail.outbox)
    with tenant_context(source.a), django_capture_on_commit_callbacks(execute=True):
        _confirm_an_order()

    assert sent_in_sandbox == []
    assert [m.to for m in mail.outbox] == [["buyer@real-people.example"]]


@override_settings(**GUARDED, SANDBOX_EMAIL_SINK="rehearsal-sink@midsummer.example")
def test_sandbox_mail_goes_to_the_sink_only(source, django_capture_on_commit_callbacks):
    call_command("clone_tenant", "sba", "sandy", domain="sandy.localhost")

    with tenant_context(Tenant.objects.get(schema_name="sandy")):
        with django_capture_on_commit_callbacks(execute=True):
            _confirm_an_order()
        EmailMessage(
            "Hello",
            "Hi",
            to=["a@real-people.example"],
            cc=["b@real-people.example"],
            bcc=["c@real-people.example"],
        ).send()

    assert [(m.to, m.cc, m.bcc) for m in mail.outbox] == [
        (["rehearsal-sink@midsummer.example"], [], []),
    ] * 2
    assert mail.outbox[0].subject.startswith("[sandbox sandy] Your sba Summer Con badge")
    assert mail.outbox[1].extra_headers["X-Midsummer-Original-To"] == (
        "a@real-people.example, b@real-people.example, c@real-people.example"
    )


def test_every_personal_field_of_the_tenant_apps_is_scrambled():
    """A new field with personal data must be declared in its app's contract
    (``scrambled_columns``, or ``not_personal_columns`` when it only looks personal)."""
    from django.apps import apps
    from django.db import models
    from django_tenants.utils import app_labels

    from midsummer.contract import not_personal_columns, scrambled_columns
    from tenant.sandbox import audit_history_tables

    personal_words = ("email", "phone", "birth", "legal_name", "badge_name", "contact", "guardian")
    labels = set(app_labels(settings.TENANT_APPS))
    found = {
        (model._meta.db_table, f.column)
        for model in apps.get_models()
        if model._meta.app_label in labels
        for f in model._meta.concrete_fields
        if isinstance(f, models.EmailField | models.CharField | models.TextField | models.DateField)
        and any(word in f.name for word in personal_words)
    }
    covered = {
        (table, column) for table, columns in scrambled_columns().items() for column in columns
    }
    covered |= {(table, column) for table, column in found if table in audit_history_tables()}
    not_personal = not_personal_columns()

    assert found - covered - not_personal == set()
