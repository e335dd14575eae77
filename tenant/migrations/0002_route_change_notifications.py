"""Tell every running process when host routing may have changed (see tenant/routing.py)."""

from django.db import migrations

ROUTE_TABLES = ["tenant_tenant", "tenant_domain", "tenant_customdomain"]

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION midsummer_notify_routes() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('midsummer_routes', TG_TABLE_NAME);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

CREATE_TRIGGER = """
CREATE TRIGGER {table}_notify_routes
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION midsummer_notify_routes();
"""


class Migration(migrations.Migration):
    dependencies = [("tenant", "0001_initial")]

    operations = [
        migrations.RunSQL(CREATE_FUNCTION, "DROP FUNCTION IF EXISTS midsummer_notify_routes();"),
        *[
            migrations.RunSQL(
                CREATE_TRIGGER.format(table=table),
                f"DROP TRIGGER IF EXISTS {table}_notify_routes ON {table};",
            )
            for table in ROUTE_TABLES
        ],
    ]
