"""django-tenants' database backend, with the search_path set once per transaction, inside it.

django-tenants sends ``SET search_path`` before every cursor: two statements per query, and a
session setting that a pooled server connection carries to whoever uses it next. Here, inside
a transaction (every request of a tenant and every tenant_context() is one), the first cursor
sends ``set_config('search_path', ..., true)``: local to the transaction, so it ends with it and
never outlives it on a connection, and it is sent again only after a commit, a rollback, a
rolled-back savepoint or a change of tenant. That is what makes the schema strategy safe behind
PgBouncer in transaction mode, where each transaction may get another server connection.
Outside a transaction (autocommit: public requests, commands), the session's search_path is
set when it differs from what this connection last set, or before every cursor behind a
transaction pooler (DATABASE_TRANSACTION_POOLING), where the session is not this client's.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from django.utils.asyncio import async_unsafe
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantsDatabaseWrapper
from django_tenants.utils import quote_schema_name
from psycopg import InternalError

from config.database import transaction_pooling


class DatabaseWrapper(TenantsDatabaseWrapper):
    def __init__(self, *args, **kwargs):
        self.session_search_path = None  # what this connection last SET for its session
        self.pooled = transaction_pooling()
        super().__init__(*args, **kwargs)

    def close(self):
        self.session_search_path = None
        super().close()

    def init_connection_state(self):
        # A new session, or one reset by DISCARD ALL (tenancy/command_runs.py), has the server's search_path.
        self.session_search_path = None
        super().init_connection_state()

    def _handle_search_path(self, cursor=None):
        if self._setting_search_path:
            return  # re-entered while obtaining the cursor below
        in_transaction = not self.autocommit
        if in_transaction and self.search_path_set_schemas:
            return  # already set in this transaction
        if not self.schema_name:
            raise ImproperlyConfigured("Database schema not set. Did you forget to call set_schema() or set_tenant()?")
        search_paths = self._get_cursor_search_paths()
        if not in_transaction and not self.pooled and self.session_search_path == search_paths:
            return  # the session has it already: only this connection sets it, outside transactions
        value = ", ".join(quote_schema_name(schema) for schema in search_paths)
        self._setting_search_path = True
        target = self.connection.cursor() if cursor is None else cursor
        try:
            if in_transaction:
                target.execute("SELECT set_config('search_path', %s, true)", [value])
            else:
                target.execute(f"SET search_path = {value}")
        except (DatabaseError, InternalError):
            # The transaction is failing already: the next statement fails too, or is a rollback.
            self.search_path_set_schemas = None
        else:
            self.search_path_set_schemas = search_paths if in_transaction else None
            if not in_transaction:
                self.session_search_path = search_paths
        finally:
            self._setting_search_path = False
            if cursor is None:
                target.close()

    @async_unsafe
    def commit(self):
        try:
            super().commit()
        finally:
            # The setting ended with the transaction; the next one sets it again.
            self.search_path_set_schemas = None
