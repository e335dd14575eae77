"""Shared (public schema) models: conventions, their hosts, people and their roles."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import (  # type: ignore[attr-defined]  # private, unstubbed
    PermissionsMixin,
    _user_has_module_perms,
    _user_has_perm,
)
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django_tenants.models import DomainMixin, TenantMixin
from oauth2_provider.models import AbstractApplication

from tenant.roles import Role


class Tenant(TenantMixin):
    """One convention organization, owning one PostgreSQL schema."""

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        ARCHIVED = "archived", "Archived (read-only)"
        DEACTIVATED = "deactivated", "Deactivated (closed)"

    name: models.CharField = models.CharField(max_length=200)
    state: models.CharField = models.CharField(
        max_length=12,
        choices=State.choices,
        default=State.ACTIVE,
        help_text=(
            "Active: served. Archived: pages are served, every write is refused. "
            "Deactivated: every host answers 'not available'; data kept."
        ),
    )
    # Derived from `state`, by the database: the hosts are served (active or archived).
    is_active = models.GeneratedField(
        expression=~Q(state="deactivated"),  # type: ignore[arg-type]  # a Q resolves fine
        output_field=models.BooleanField(),
        db_persist=True,
    )
    is_sandbox: models.BooleanField = models.BooleanField(
        default=False,
        help_text="A rehearsal copy: its mail never reaches real people (see tenant.tasks).",
    )
    sandbox_of: models.CharField = models.CharField(
        max_length=63, blank=True, help_text="The schema this sandbox was copied from."
    )
    last_export_at: models.DateTimeField = models.DateTimeField(
        null=True, blank=True, help_text="When export_tenant last wrote a complete archive."
    )
    last_export_file: models.CharField = models.CharField(max_length=1000, blank=True)
    created_at: models.DateTimeField = models.DateTimeField(auto_now_add=True)
    updated_at: models.DateTimeField = models.DateTimeField(auto_now=True)

    auto_create_schema = True
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]

    def create_schema(self, check_if_exists=False, sync_schema=True, verbosity=1):
        """New tenants copy the migrated template (fast and exact, see tenant/schema_clone.py);
        the template itself and public replay the migrations as django-tenants does."""
        from tenant.schema_clone import clone_template_into

        if sync_schema and clone_template_into(self.schema_name):
            return True
        return super().create_schema(check_if_exists, sync_schema, verbosity)

    def __str__(self) -> str:
        return self.name or self.schema_name

    @property
    def is_archived(self) -> bool:
        return self.state == self.State.ARCHIVED


class Domain(DomainMixin):
    """A platform host of a tenant, e.g. ``furrydelphia.midsummer.events``."""

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(domain=Lower("domain")), name="tenant_domain_lowercase"
            ),
        ]

    def __str__(self) -> str:
        return self.domain


class CustomDomain(models.Model):
    """A host the convention brings itself; served only once its ownership is verified."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="custom_domains")
    domain = models.CharField(max_length=253, unique=True)
    verification_token = models.CharField(max_length=64)
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(domain=Lower("domain")), name="tenant_customdomain_lowercase"
            ),
        ]

    def __str__(self) -> str:
        return self.domain

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields["is_superuser"] = True
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):  # type: ignore[django-manager-missing]
    """One person, shared by every tenant. What they may do in a tenant is their Membership.

    ``is_superuser`` marks a platform operator, and counts on the public host only.
    """

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)  # type: ignore[assignment,misc]
    date_joined = models.DateTimeField(auto_now_add=True)
    # Set when the person proved they read this mailbox (a confirmation, reset or invitation
    # link). Until then the address grants nothing: no badge bought for it by someone else, no
    # "my data" matched by it.
    email_verified_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(email=Lower("email")), name="tenant_user_email_lower"
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def proven_email(self) -> str:
        """The address, once the person proved they read it; else "" (it grants nothing)."""
        return self.email if self.email_verified_at is not None else ""

    @property
    def is_staff(self) -> bool:
        """May use the admin of the host being served (answered by the membership backend)."""
        from tenant.backends import user_is_staff

        return user_is_staff(self)

    # PermissionsMixin lets a superuser do anything anywhere; here the backend decides, because
    # a platform operator is not a member of every convention.
    def has_perm(self, perm: str, obj: object = None) -> bool:
        return self.is_active and _user_has_perm(self, perm, obj)

    def has_perms(self, perm_list, obj: object = None) -> bool:
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_active and _user_has_module_perms(self, app_label)


class Membership(models.Model):
    """A user's role in one tenant. Being someone in one tenant grants nothing in another."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="memberships")
    is_tenant_superuser = models.BooleanField(
        default=False, help_text="May do everything within this tenant."
    )
    is_developer = models.BooleanField(
        default=False, help_text="May use this tenant's developer tools, and nothing else."
    )
    roles = ArrayField(
        models.CharField(max_length=32, choices=Role.choices),
        default=list,
        blank=True,
        help_text="What this member runs here; each role grants the permissions it needs.",
    )
    # A convention's admin invites by e-mail: the roles count only once the invitation was
    # accepted from that mailbox (tenant/invitations.py). Operators and seed data grant at once.
    accepted_at = models.DateTimeField(
        null=True, blank=True, default=timezone.now, help_text="Empty: invited, not yet accepted."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "tenant"], name="tenant_membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.tenant}"


class Application(AbstractApplication):
    """An OAuth2 client of exactly one tenant: its tokens count on that tenant's hosts only."""

    tenant: models.ForeignKey = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, related_name="oauth_applications"
    )
    # The REST API's scopes this client may be given (tenant/oauth.py): a bot that checks who
    # has a badge gets registrations:read and nothing else. The sign-in scopes need no grant.
    api_scopes: models.CharField = models.CharField(
        "API scopes",
        max_length=300,
        blank=True,
        help_text=(
            "The REST API scopes this application may ask for, separated by spaces, e.g. "
            '"registrations:read checkin:write". Empty: none (docs/API.md lists them).'
        ),
    )

    class Meta(AbstractApplication.Meta):
        swappable = "OAUTH2_PROVIDER_APPLICATION_MODEL"


class AuthorizationCodeExchange(models.Model):
    """What an OAuth authorization code was exchanged for. The same code presented again is a
    replay: the tokens it gave (the access token, and every refresh token of its family) are
    revoked, as RFC 6749 §4.1.2 advises. Only the code's SHA-256 is kept."""

    code_digest = models.CharField(max_length=64, unique=True)
    access_token_checksum = models.CharField(max_length=64, blank=True)
    refresh_token_family = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.code_digest[:12]


class OutboxMessage(models.Model):
    """A task a write queued (``tenant.tasks.queue_after_commit``), kept until a worker has run
    it to completion: written in the writer's own transaction, so it exists exactly when the
    write does, whether or not the broker was reachable at that moment (``tenant/outbox.py``).

    One table in ``public`` for every convention and the platform: the periodic drain finds
    what is still owed in one indexed query, however many conventions there are.
    """

    # Null for the platform's own mail (queued on the public schema).
    tenant = models.ForeignKey(
        Tenant, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    publish_after = models.DateTimeField(
        help_text="When the drain publishes it (again) if it is still here."
    )
    attempts = models.PositiveIntegerField(default=0, help_text="Deliveries started.")
    last_error = models.TextField(blank=True)
    failed_at = models.DateTimeField(
        null=True, blank=True, help_text="Given up after too many attempts; retried by hand."
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["publish_after"],
                condition=Q(failed_at__isnull=True),
                name="tenant_outbox_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_name}{tuple(self.args)}"


class DueWork(models.Model):
    """When a convention's periodic work (a ``PeriodicWork`` with ``next_due``) next has
    something to do: the platform's tick visits the conventions whose time has come instead of
    every schema (``tenant/due.py``). No row: nothing pending."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="due_work")
    task = models.CharField(max_length=200)
    due_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "task"], name="tenant_duework_unique")
        ]
        indexes = [models.Index(fields=["task", "due_at"])]

    def __str__(self) -> str:
        return f"{self.task} due {self.due_at:%Y-%m-%d %H:%M} in {self.tenant_id}"
