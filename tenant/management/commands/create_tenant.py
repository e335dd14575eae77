from __future__ import annotations

import argparse

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from tenant.selectors import tenant_site_url
from tenant.services import invitation_link, membership_invite, tenant_create


class Command(BaseCommand):
    help = (
        "Create a convention: its schema (a copy of the migrated template, served at once — no "
        "restart), its primary host and, with --admin-email, its first org admin, invited by "
        "e-mail. All or nothing: a taken host or a bad name leaves nothing behind."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--schema",
            "--schema_name",
            dest="schema_name",
            required=True,
            help="Its schema name, for ever: lower-case letters, digits and _ (e.g. expo).",
        )
        parser.add_argument("--name", required=True, help='Its name, e.g. "Expo Con".')
        parser.add_argument(
            "--domain",
            "--domain-domain",
            dest="domain",
            required=True,
            help="Its primary host, e.g. expo.midsummer.example.",
        )
        parser.add_argument(
            "--admin-email",
            default="",
            help="Invite this person as the convention's tenant superuser (they get a link).",
        )
        # Spellings of django-tenants' command, still accepted so older scripts keep working.
        parser.add_argument("--domain-is_primary", help=argparse.SUPPRESS)
        parser.add_argument("--noinput", "--no-input", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, schema_name: str, name: str, domain: str, admin_email: str, **options):
        try:
            tenant = tenant_create(schema_name=schema_name, name=name, domain=domain)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        site = tenant_site_url(tenant=tenant)
        self.stdout.write(self.style.SUCCESS(f"Created {tenant.name} (schema {schema_name})."))
        self.stdout.write(f"  site:  {site}/")
        self.stdout.write(f"  admin: {site}/admin/")
        if admin_email:
            with tenant_context(tenant):
                membership = membership_invite(
                    tenant=tenant, email=admin_email, roles=[], is_tenant_superuser=True
                )
                link = invitation_link(membership=membership)
            self.stdout.write(f"  invited {membership.user.email} as tenant superuser:")
            self.stdout.write(f"  {link}")
        else:
            self.stdout.write(
                "  nobody can run it yet: run again with --admin-email, or add a membership in "
                "the operators' admin (Memberships)"
            )
