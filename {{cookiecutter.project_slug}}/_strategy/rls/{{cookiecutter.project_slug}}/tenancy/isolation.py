"""Tenant isolation, rls strategy: shared tables, a tenant column in every tenant-scoped table,
and PostgreSQL Row Level Security that lets a statement see and write only the rows of the
tenant set for its transaction.

Everything that depends on the strategy sits here (with tenancy/rls.py for the SQL and
tenancy/models.py for TenantScopedModel); the rest of the project uses only the names of
``__all__``, the seam that tenancy/seam.py describes. Requests run as the runtime role
(DATABASE_URL); migrations as the owner (DATABASE_OWNER_URL).
"""

import contextvars
import functools
from contextlib import contextmanager

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from psycopg import sql

from . import rls
from .cache_table import create_cache_table
from .models import Tenant, TenantScopedModel

# The seam: the only names the rest of the project may use (tenancy/seam.py says what each means).
__all__ = [
    "RESERVED_SLUGS",
    "bootstrap_steps",
    "current_tenant",
    "drop_tenant",
    "isolation_violations",
    "provision_tenant",
    "readiness_checks",
    "tenant_context",
    "tenant_models",
]

OWNER_ALIAS = "owner"
# A tenant is a row: its slug names no database object, so none collides with the platform's.
RESERVED_SLUGS = frozenset()
_current_tenant = contextvars.ContextVar("current_tenant", default=None)


def current_tenant():
    """The tenant of the innermost tenant_context(), or None."""
    return _current_tenant.get()


@contextmanager
def tenant_context(tenant, using=DEFAULT_DB_ALIAS):
    """Run the block as ``tenant``, atomically: in a transaction (a savepoint when nested) on
    the connection ``using``, whose ``app.tenant_id`` is the tenant's id.

    Use it wherever code runs outside a request: management commands, data migrations,
    background jobs. Requests get it from TenantMiddleware. The setting is made with
    ``set_config(..., true)``: local to the transaction, so it ends with the transaction and a
    pooled connection never carries it into the next request. A nested context restores the
    outer tenant when it ends.
    """
    conn = connections[using]
    previous = _current_tenant.get()
    token = _current_tenant.set(tenant)
    nested = conn.in_atomic_block
    try:
        with transaction.atomic(using=using):
            _set_tenant_setting(conn, tenant)
            yield
            if nested:
                _set_tenant_setting(conn, previous)
    finally:
        _current_tenant.reset(token)


def _set_tenant_setting(conn, tenant):
    with conn.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [rls.TENANT_SETTING, str(tenant.pk) if tenant else ""])


def provision_tenant(*, slug, name):
    """A tenant is one row: its data is tagged with its id, no schema or table to create."""
    return Tenant.objects.create(slug=slug, name=name)


def drop_tenant(tenant):
    """Delete the tenant and every row of its data."""
    # Inside the tenant: RLS lets the deletion cascade see (and delete) the tenant's rows only.
    with tenant_context(tenant):
        tenant.delete()


# --- bootstrap ----------------------------------------------------------------------------


def bootstrap_steps():
    """(name, step) pairs that bootstrap runs in order; a step takes ``verbosity``."""
    return [
        ("database roles (owner and runtime role)", _check_roles),
        ("migrations, as the table owner (tables and their policies)", _migrate),
        ("shared cache table", lambda verbosity: create_cache_table(verbosity, OWNER_ALIAS)),
        ("runtime role privileges", _grant_runtime_privileges),
        ("row level security on every tenant table", _verify_policies),
    ]


def _owner_connection():
    if OWNER_ALIAS not in settings.DATABASES:
        raise RuntimeError(
            "DATABASE_OWNER_URL is not set. bootstrap runs migrations as the role that owns the tables; "
            "set DATABASE_OWNER_URL to that role's URL (docs/production-roles.md)."
        )
    return connections[OWNER_ALIAS]


def _role_name(conn):
    with conn.cursor() as cursor:
        cursor.execute("SELECT current_user")
        return cursor.fetchone()[0]


def _check_roles(verbosity):
    owner = _role_name(_owner_connection())
    runtime = _role_name(connection)
    if owner == runtime:
        raise RuntimeError(
            f"DATABASE_URL and DATABASE_OWNER_URL both connect as {owner!r}. Requests must run as a "
            "separate role that owns nothing (docs/production-roles.md)."
        )
    problems = runtime_role_problems()
    if problems:
        raise RuntimeError("; ".join(problems))


def _migrate(verbosity):
    call_command("migrate", database=OWNER_ALIAS, interactive=False, verbosity=verbosity)


def _grant_runtime_privileges(verbosity):
    runtime = sql.Identifier(_role_name(connection))
    statements = [
        "GRANT USAGE ON SCHEMA public TO {role}",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        "REVOKE INSERT, UPDATE, DELETE ON django_migrations FROM {role}",
        "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
    ]
    with _owner_connection().cursor() as cursor:
        for statement in statements:
            cursor.execute(sql.SQL(statement).format(role=runtime))


def _verify_policies(verbosity):
    problems = tenant_table_problems()
    if problems:
        raise RuntimeError("; ".join(problems))


# --- checks -------------------------------------------------------------------------------


def runtime_role_problems(conn=None, role=None):
    """Why ``role`` (default: the role of ``conn``, the runtime connection) could read past the policies.

    Beyond superuser and BYPASSRLS: membership of a role that owns a table or could bypass RLS,
    in any form. A NOINHERIT member, or one granted with INHERIT FALSE, still gets that role's
    powers by ``SET ROLE`` (pg_has_role's MEMBER covers every form), then disables FORCE RLS.
    And CREATE on the schema: a role that can create objects can shadow a table or function.
    """
    conn = conn or connection
    with conn.cursor() as cursor:
        cursor.execute(
            """
            SELECT r.rolname, r.rolsuper, r.rolbypassrls,
                   (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
                      AND pg_has_role(r.oid, c.relowner, 'USAGE')),
                   (SELECT array_agg(DISTINCT o.rolname ORDER BY o.rolname)
                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    JOIN pg_roles o ON o.oid = c.relowner
                    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
                      AND o.oid <> r.oid AND pg_has_role(r.oid, o.oid, 'MEMBER')),
                   (SELECT array_agg(p.rolname ORDER BY p.rolname) FROM pg_roles p
                    WHERE p.oid <> r.oid AND (p.rolsuper OR p.rolbypassrls) AND pg_has_role(r.oid, p.oid, 'MEMBER')),
                   has_schema_privilege(r.oid, current_schema(), 'CREATE')
            FROM pg_roles r WHERE r.rolname = coalesce(%s, current_user)
            """,
            [role],
        )
        role, superuser, bypassrls, owned_tables, owners, powerful, can_create = cursor.fetchone()
    problems = []
    if superuser:
        problems.append(f"the runtime role {role!r} is a superuser: superusers ignore every RLS policy")
    if bypassrls:
        problems.append(f"the runtime role {role!r} has BYPASSRLS: it ignores every RLS policy")
    if owned_tables:
        problems.append(
            f"the runtime role {role!r} owns (or inherits the owner of) {owned_tables} table(s): "
            "requests must run as a role that owns nothing"
        )
    if owners:
        problems.append(
            f"the runtime role {role!r} is a member of the table owner {', '.join(owners)}: SET ROLE gives it "
            "the owner's powers (REVOKE the membership)"
        )
    if powerful:
        problems.append(
            f"the runtime role {role!r} is a member of {', '.join(powerful)} (superuser or BYPASSRLS): "
            "SET ROLE bypasses every policy (REVOKE the membership)"
        )
    if can_create:
        problems.append(
            f"the runtime role {role!r} can CREATE in the schema: it could shadow tables or functions "
            "(REVOKE CREATE ON SCHEMA public FROM it, and from PUBLIC)"
        )
    return problems


def privilege_problems():
    """What the runtime role lacks of the privileges bootstrap grants (readiness's "privileges")."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND (
                (c.relkind IN ('r', 'p') AND NOT (
                    has_table_privilege(c.oid, 'SELECT') AND (c.relname = 'django_migrations' OR (
                        has_table_privilege(c.oid, 'INSERT') AND has_table_privilege(c.oid, 'UPDATE')
                        AND has_table_privilege(c.oid, 'DELETE')))))
                OR (c.relkind = 'S' AND NOT has_sequence_privilege(c.oid, 'USAGE')))
            ORDER BY c.relname
            """
        )
        missing = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT has_schema_privilege('public', 'USAGE')")
        (schema_usage,) = cursor.fetchone()
    if not schema_usage:
        return "the runtime role has no USAGE on schema public: run manage.py bootstrap"
    if missing:
        return f"the runtime role lacks privileges on {', '.join(missing)}: run manage.py bootstrap"
    return None


def readiness_checks():
    """(name, check) pairs run by /api/v1/ready/ after "database"; a check returns its problem or None."""
    return [("privileges", privilege_problems), ("migrations", readiness_problems)]


def tenant_models():
    """The models whose rows belong to one tenant."""
    return [model for model in apps.get_models() if issubclass(model, TenantScopedModel)]


def tenant_tables():
    """Every table that must be isolated: each TenantScopedModel's, and any other with a
    tenant_id column (a model that forgot the base class), but the tenancy app's own.

    The queue's tables (procrastinate_*) are not tenant tables: they are the platform's, hold
    only tenant slugs and ids, and have no tenant_id column (see tenancy/background.py)."""
    tables = {model._meta.db_table for model in tenant_models()}
    platform_tables = [model._meta.db_table for model in apps.get_app_config("tenancy").get_models()]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND column_name = %s AND NOT (table_name = ANY(%s))",
            [rls.TENANT_COLUMN, platform_tables],
        )
        tables.update(row[0] for row in cursor.fetchall())
    return sorted(tables)


def tenant_table_problems():
    """Every tenant table without enabled, forced RLS and a USING + WITH CHECK policy, and every
    foreign key between tenant tables that is not tied to the same tenant."""
    problems = []
    tables = tenant_tables()
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                "SELECT c.relrowsecurity, c.relforcerowsecurity FROM pg_class c WHERE c.oid = to_regclass(%s)",
                [f'"{table}"'],
            )
            row = cursor.fetchone()
            if row is None:
                problems.append(f"table {table} does not exist: run manage.py bootstrap")
                continue
            enabled, forced = row
            if not enabled:
                problems.append(f"table {table}: row level security is not enabled")
            if not forced:
                problems.append(f"table {table}: row level security is not forced (the owner would bypass it)")
            cursor.execute(
                "SELECT count(*) FROM pg_policies WHERE schemaname = current_schema() AND tablename = %s "
                "AND cmd = 'ALL' AND qual LIKE %s AND with_check LIKE %s",
                [table, f"%{rls.TENANT_SETTING}%", f"%{rls.TENANT_SETTING}%"],
            )
            if cursor.fetchone()[0] == 0:
                problems.append(f"table {table}: no tenant policy with USING and WITH CHECK on {rls.TENANT_SETTING}")
        problems.extend(_cross_tenant_foreign_keys(cursor, tables))
    return problems


def _cross_tenant_foreign_keys(cursor, tables):
    """Single-column foreign keys between tenant tables without a composite (column, tenant_id) twin."""
    cursor.execute(
        """
        SELECT src.relname, dst.relname, array_agg(a.attname ORDER BY k.ord)
        FROM pg_constraint con
        JOIN pg_class src ON src.oid = con.conrelid
        JOIN pg_class dst ON dst.oid = con.confrelid
        CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
        WHERE con.contype = 'f' AND src.relname = ANY(%s) AND dst.relname = ANY(%s)
        GROUP BY con.oid, src.relname, dst.relname
        """,
        [tables, tables],
    )
    keys = cursor.fetchall()
    composite = {(src, dst, cols[0]) for src, dst, cols in keys if sorted(cols) == sorted([cols[0], rls.TENANT_COLUMN])}
    return [
        f"foreign key {src}.{cols[0]} -> {dst} is not tied to the same tenant: both models must subclass "
        "TenantScopedModel, whose constraints add the key (makemigrations, then migrate)"
        for src, dst, cols in keys
        if len(cols) == 1 and cols[0] != rls.TENANT_COLUMN and (src, dst, cols[0]) not in composite
    ]


def pending_migrations():
    """{"database": [unapplied migrations]}, empty when the database is fully migrated."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return {"database": [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]}
    return {}


@functools.cache
def _expected_migrations():
    """Every migration of the code base: the same in every process until the next deploy."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


def readiness_problems():
    """{"database": [unapplied migrations]}: one query on django_migrations, cheap enough for a
    probe every few seconds (the migration graph is loaded once per process)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        missing = _expected_migrations() - set(cursor.fetchall())
    return {"database": sorted(f"{app}.{name}" for app, name in missing)} if missing else {}


def isolation_violations():
    """Every reason isolation is not guaranteed on this database, as the runtime role sees it."""
    pending = pending_migrations()
    problems = [f"unapplied migrations: {', '.join(names)}" for names in pending.values()]
    return problems + runtime_role_problems() + tenant_table_problems()
