"""django-tenants' PostgreSQL backend without its redundant ``SET search_path`` statements.

Stock ``set_tenant()`` forgets which search_path the connection already has, so with persistent
connections every request pays one or two extra round-trips even when the schema is unchanged.
This wrapper remembers what was applied on the connection and only sends ``SET search_path``
when the wanted path differs. Anything that can undo a SET (a rollback, a savepoint rollback, a
new connection) makes it forget, exactly as django-tenants does.
"""

from django.contrib.contenttypes.models import ContentType
from django_tenants.postgresql_backend import base as tenants_base


class DatabaseWrapper(tenants_base.DatabaseWrapper):
    include_public_schema: bool

    def set_tenant(self, tenant, include_public=True):
        schema_changed = (tenant.schema_name, include_public) != (
            getattr(self, "schema_name", None),
            self.include_public_schema,
        )
        self.tenant = tenant
        self.schema_name = tenant.schema_name
        self.include_public_schema = include_public
        self.set_settings_schema(self.schema_name)
        if tenants_base.EXTRA_SET_TENANT_METHOD:
            tenants_base.EXTRA_SET_TENANT_METHOD(self, tenant)
        if schema_changed:
            # Content type ids differ between schemas; never serve one schema's from the cache.
            ContentType.objects.clear_cache()

    # Every transaction read-only, also on a connection opened later (set for the tasks of an
    # archived tenant; a request of one uses a read-only transaction instead, see middleware).
    read_only = False

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        if self.connection is not None:
            self._apply_read_only()

    def _apply_read_only(self) -> None:
        with self.connection.cursor() as cursor:
            if self.read_only:
                cursor.execute("SET SESSION default_transaction_read_only = on")
            else:
                cursor.execute("RESET default_transaction_read_only")

    def init_connection_state(self):
        self.search_path_set_schemas = None
        super().init_connection_state()
        if self.read_only:
            self._apply_read_only()

    def _handle_search_path(self, cursor=None):
        if self._setting_search_path:
            return
        if (
            self.search_path_set_schemas is not None
            and self.search_path_set_schemas == self._get_cursor_search_paths()
        ):
            return
        super()._handle_search_path(cursor)
