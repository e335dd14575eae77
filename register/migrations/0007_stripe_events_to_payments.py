# The Stripe events already handled move to ``payments``, which handles them for every app now;
# copied first so a webhook Stripe retries after the upgrade is still recognised as a duplicate.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("register", "0006_account_language"),
        ("payments", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            "INSERT INTO payments_stripeevent (event_id, type, outcome, received_at) "
            "SELECT event_id, type, outcome, received_at FROM register_stripeevent "
            "ON CONFLICT (event_id) DO NOTHING",
            reverse_sql=(
                "INSERT INTO register_stripeevent (event_id, type, outcome, received_at) "
                "SELECT event_id, type, outcome, received_at FROM payments_stripeevent "
                "ON CONFLICT (event_id) DO NOTHING"
            ),
        ),
        migrations.DeleteModel(name="StripeEvent"),
    ]
