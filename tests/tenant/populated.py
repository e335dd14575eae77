"""Two committed conventions full of data, for export, import and sandbox tests."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django_tenants.utils import schema_context, tenant_context

from register.models import BanEntry, WaitlistEntry
from register.services import ban_entry_save, order_place
from tenant.models import Tenant, User
from tenant.services import custom_domain_add, custom_domain_verify, tenant_create
from tests.factories.event import EventFactory
from tests.factories.register import BadgeLevelFactory, QuestionFactory, attendee
from tests.factories.tenant import ApplicationFactory, MembershipFactory, UserFactory

EMAIL_DOMAIN = "@populated.example"


@dataclass
class Populated:
    a: Tenant
    b: Tenant
    users: dict[str, User]


def populate(schema_a: str, schema_b: str) -> Populated:
    a = tenant_create(
        schema_name=schema_a, name=f"{schema_a.title()} Con", domain=f"{schema_a}.localhost"
    )
    b = tenant_create(
        schema_name=schema_b, name=f"{schema_b.title()} Con", domain=f"{schema_b}.localhost"
    )
    users = {
        key: UserFactory(email=f"{key}.{schema_a}{EMAIL_DOMAIN}", full_name=f"Real {key.title()}")
        for key in ("member", "buyer", "shared", "developer", "only_b")
    }
    MembershipFactory(user=users["member"], tenant=a, roles=["registration_lead"])
    MembershipFactory(user=users["developer"], tenant=a, is_developer=True)
    MembershipFactory(user=users["shared"], tenant=a, is_tenant_superuser=True)
    MembershipFactory(user=users["shared"], tenant=b)
    MembershipFactory(user=users["only_b"], tenant=b)
    ApplicationFactory(tenant=a, user=users["developer"], name="A kiosk")
    ApplicationFactory(tenant=b, user=users["only_b"], name="B kiosk")
    custom_domain_verify(
        custom_domain=custom_domain_add(tenant=a, domain=f"tickets.{schema_a}.example")
    )
    with tenant_context(a):
        level = BadgeLevelFactory(event=EventFactory(name=f"{schema_a} Summer Con", is_active=True))
        question = QuestionFactory(event=level.event, label="Favourite animal")
        for person, name in (("buyer", "Robin Realname"), ("shared", "Alex Actual")):
            order_place(
                event=level.event,
                account=users[person],
                provider="door",
                attendees=[
                    attendee(
                        level,
                        legal_name=name,
                        email=f"{person}@real-people.example",
                        answers={question.pk: f"{name} likes otters"},
                    )
                ],
            )
        ban_entry_save(
            entry=BanEntry(
                name="Alex Actual Banned", email="banned@real-people.example", reason="215 555 call"
            )
        )
        WaitlistEntry.objects.create(
            level=level, account_id=users["member"].pk, email="waiting@real-people.example"
        )
        default_storage.save("logos/logo.txt", ContentFile(f"{schema_a} logo".encode()))
    with tenant_context(b):
        level_b = BadgeLevelFactory(event=EventFactory(name="Beta Secret Con", is_active=True))
        order_place(
            event=level_b.event,
            account=users["only_b"],
            provider="door",
            attendees=[attendee(level_b, legal_name="Bea Secret", email="bea@secret-b.example")],
        )
    return Populated(a=a, b=b, users=users)


def drop(*schemas: str) -> None:
    """Remove what populate() (and copies of it) committed."""
    with schema_context("public"):
        for schema in schemas:
            tenant = Tenant.objects.filter(schema_name=schema).first()
            if tenant is not None:
                tenant.delete(force_drop=True)
            else:
                with connection.cursor() as cursor:
                    cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            shutil.rmtree(Path(settings.MEDIA_ROOT) / schema, ignore_errors=True)
        User.objects.filter(email__endswith=EMAIL_DOMAIN).delete()
