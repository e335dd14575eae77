"""django-tenants' PostgreSQL backend without its redundant ``SET search_path`` statements.

Stock ``set_tenant()`` forgets which search_path the connection already has, so with persistent
connections every request pays one or two extra round-trips even when the schema is unchanged.
This wrapper remembers what was applied on the connection and only sends ``SET search_path``
when the wanted path differs. Anything that can undo a SET (a rollback, a savepoint rollback, a
new connection) makes it forget, exactly as django-tenants does. The comparison with the wanted
path is made whatever ``TENANT_LIMIT_SET_CALLS`` says: that setting may save statements, never
skip a switch.

With ``DATABASES[...]["TRANSACTION_POOLING"]`` (``DATABASE_TRANSACTION_POOLING=1``, for PgBouncer
in ``pool_mode = transaction``) nothing is set per session: every statement runs in a
transaction whose first statement pins the search_path (and an archived tenant's read-only
mode) with ``set_config(..., true)``, which ends with the transaction. See docs/OPERATIONS.md.
"""

import re

from django.contrib.contenttypes.models import ContentType
from django.db.backends import utils as backend_utils
from django_tenants.postgresql_backend import base as tenants_base
from django_tenants.utils import quote_schema_name

# Statements PostgreSQL refuses inside a transaction block; none of them reads a tenant's table
# through the search_path (run migrations over a direct connection, see docs/OPERATIONS.md).
_OUTSIDE_TRANSACTION = re.compile(
    r"^\s*(?:(?:CREATE|DROP|ALTER)\s+DATABASE|VACUUM|ALTER\s+SYSTEM|CLUSTER|REINDEX)\b"
    r"|\bCONCURRENTLY\b",
    re.IGNORECASE,
)


class _PinnedCursorMixin:
    """Under transaction pooling, every statement runs in a transaction that starts by pinning
    the tenant's search_path (and read-only mode) to that transaction."""

    db: "DatabaseWrapper"
    cursor: object

    def _execute(self, sql, params, *ignored_wrapper_args):
        return self._pinned(super()._execute, sql, params, *ignored_wrapper_args)  # type: ignore[misc]

    def _executemany(self, sql, param_list, *ignored_wrapper_args):
        return self._pinned(super()._executemany, sql, param_list, *ignored_wrapper_args)  # type: ignore[misc]

    def _pinned(self, executor, sql, *args):
        db = self.db
        if not db.transaction_pooling:
            return executor(sql, *args)
        if not db.get_autocommit():
            db.validate_no_broken_transaction()  # Django's error, not the pin's "aborted"
            db.pin_transaction(self.cursor)
            return executor(sql, *args)
        if isinstance(sql, str) and _OUTSIDE_TRANSACTION.search(sql):
            return executor(sql, *args)  # cannot run in a transaction, reads no tenant table
        # A statement outside any transaction would run in whichever server connection the
        # pooler hands out, with whatever search_path that one has: give it a transaction.
        db.set_autocommit(False)
        try:
            db.pin_transaction(self.cursor)
            result = executor(sql, *args)
        except BaseException:
            try:
                db.rollback()
            except Exception:
                db.close()  # in no known state: never reused (the next query reconnects)
            raise
        else:
            db.commit()
        finally:
            if db.connection is not None:
                db.set_autocommit(True)
        return result


class PinnedCursorWrapper(_PinnedCursorMixin, backend_utils.CursorWrapper):
    pass


class PinnedCursorDebugWrapper(_PinnedCursorMixin, backend_utils.CursorDebugWrapper):
    pass


class DatabaseWrapper(tenants_base.DatabaseWrapper):
    include_public_schema: bool
    search_path_set_schemas: list[str] | None

    @property
    def transaction_pooling(self) -> bool:
        """``DATABASES[alias]["TRANSACTION_POOLING"]``: a pooler (PgBouncer ``pool_mode =
        transaction``) may give each transaction another server connection, so nothing may be
        set per session: the search_path and read-only mode are set per transaction."""
        return bool(self.settings_dict.get("TRANSACTION_POOLING"))

    def make_cursor(self, cursor):
        return PinnedCursorWrapper(cursor, self)

    def make_debug_cursor(self, cursor):
        return PinnedCursorDebugWrapper(cursor, self)

    # What the current transaction was pinned to (transaction pooling only).
    _pinned_read_only: bool | None = None

    def pin_transaction(self, raw_cursor) -> None:
        """Set the tenant's search_path (and read-only mode) for the rest of the transaction
        with ``set_config(..., is_local => true)``, unless it already is. A savepoint rollback,
        the transaction's end or a tenant switch makes it be set again."""
        wanted = self._get_cursor_search_paths()
        if self.search_path_set_schemas == wanted and self._pinned_read_only == self.read_only:
            return
        sql = "SELECT set_config('search_path', %s, true)"
        if self.read_only:
            sql += ", set_config('transaction_read_only', 'on', true)"
        with self.wrap_database_errors:
            raw_cursor.execute(sql, [",".join(quote_schema_name(s) for s in wanted)])
        self.search_path_set_schemas = wanted
        self._pinned_read_only = self.read_only

    def _forget_pinned(self) -> None:
        if self.transaction_pooling:
            self.search_path_set_schemas = None
            self._pinned_read_only = None

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._forget_pinned()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._forget_pinned()

    def _set_autocommit(self, autocommit):
        self._forget_pinned()
        return super()._set_autocommit(autocommit)

    def savepoint_rollback(self, sid):
        super().savepoint_rollback(sid)
        self._pinned_read_only = None

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
        if self.connection is not None and not self.transaction_pooling:
            self._apply_read_only()

    def _apply_read_only(self) -> None:
        # Session-wide: only without transaction pooling (with it, pin_transaction sets it per
        # transaction, since the session is shared with other clients of the pooler).
        with self.connection.cursor() as cursor:
            if self.read_only:
                cursor.execute("SET SESSION default_transaction_read_only = on")
            else:
                cursor.execute("RESET default_transaction_read_only")

    def init_connection_state(self):
        self.search_path_set_schemas = None
        super().init_connection_state()
        if self.read_only and not self.transaction_pooling:
            self._apply_read_only()

    def _handle_search_path(self, cursor=None):
        if self._setting_search_path or self.transaction_pooling:
            return  # with transaction pooling each transaction is pinned (pin_transaction)
        wanted = self._get_cursor_search_paths()
        if self.search_path_set_schemas == wanted:
            return
        # What the connection has is not what the tenant needs. Stock set_tenant() forgets the
        # applied path and our override does not (that is the point of it), so forget it here:
        # with TENANT_LIMIT_SET_CALLS the stock method otherwise skips the SET whenever *any*
        # path was applied, and the connection would stay on its first schema.
        self.search_path_set_schemas = None
        super()._handle_search_path(cursor)
