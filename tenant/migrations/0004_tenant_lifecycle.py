"""Tenant lifecycle: an explicit state (active / archived / deactivated) replaces the boolean
``is_active``, which becomes a column the database derives from the state; sandbox flags; when
the tenant was last exported (``delete_tenant`` wants a fresh export)."""

from django.db import migrations, models
from django.db.models import Q


def state_from_is_active(apps, schema_editor):
    Tenant = apps.get_model("tenant", "Tenant")
    Tenant.objects.filter(is_active=False).update(state="deactivated")


def is_active_from_state(apps, schema_editor):
    Tenant = apps.get_model("tenant", "Tenant")
    Tenant.objects.filter(state="deactivated").update(is_active=False)


class Migration(migrations.Migration):
    dependencies = [("tenant", "0003_membership_roles")]

    operations = [
        migrations.AddField(
            model_name="tenant",
            name="state",
            field=models.CharField(
                choices=[
                    ("active", "Active"),
                    ("archived", "Archived (read-only)"),
                    ("deactivated", "Deactivated (closed)"),
                ],
                default="active",
                help_text=(
                    "Active: served. Archived: pages are served, every write is refused. "
                    "Deactivated: every host answers 'not available'; data kept."
                ),
                max_length=12,
            ),
        ),
        migrations.RunPython(state_from_is_active, is_active_from_state),
        migrations.RemoveField(model_name="tenant", name="is_active"),
        migrations.AddField(
            model_name="tenant",
            name="is_active",
            field=models.GeneratedField(
                db_persist=True,
                expression=~Q(state="deactivated"),
                output_field=models.BooleanField(),
            ),
        ),
        migrations.AddField(
            model_name="tenant",
            name="is_sandbox",
            field=models.BooleanField(
                default=False,
                help_text="A rehearsal copy: its mail never reaches real people (see tenant.tasks).",
            ),
        ),
        migrations.AddField(
            model_name="tenant",
            name="sandbox_of",
            field=models.CharField(
                blank=True, help_text="The schema this sandbox was copied from.", max_length=63
            ),
        ),
        migrations.AddField(
            model_name="tenant",
            name="last_export_at",
            field=models.DateTimeField(
                blank=True, help_text="When export_tenant last wrote a complete archive.", null=True
            ),
        ),
        migrations.AddField(
            model_name="tenant",
            name="last_export_file",
            field=models.CharField(blank=True, max_length=1000),
        ),
    ]
