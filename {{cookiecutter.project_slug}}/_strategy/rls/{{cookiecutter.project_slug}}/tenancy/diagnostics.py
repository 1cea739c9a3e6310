"""Diagnostics, rls strategy: what readiness and check_tenancy ask of a database (the runtime
role's powers and privileges, every tenant table's policies, pending migrations)."""

import functools

from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from . import rls
from .isolation import tenant_models

__all__ = ["isolation_violations", "readiness_checks"]


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


def append_only_tables():
    """The tables of tenant models marked ``append_only`` (the audit trail): the runtime role may
    SELECT and INSERT there, never UPDATE, DELETE or TRUNCATE (bootstrap revokes them)."""
    return sorted(model._meta.db_table for model in tenant_models() if getattr(model, "append_only", False))


def privilege_problems():
    """What the runtime role lacks of the privileges bootstrap grants (readiness's "privileges")."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND (
                (c.relkind IN ('r', 'p') AND NOT (
                    has_table_privilege(c.oid, 'SELECT') AND (c.relname = 'django_migrations' OR (
                        has_table_privilege(c.oid, 'INSERT') AND (c.relname = ANY(%s) OR (
                            has_table_privilege(c.oid, 'UPDATE') AND has_table_privilege(c.oid, 'DELETE')))))))
                OR (c.relkind = 'S' AND NOT has_sequence_privilege(c.oid, 'USAGE')))
            ORDER BY c.relname
            """,
            [append_only_tables()],
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


def tenant_tables():
    """Every table that must be isolated: each TenantScopedModel's, and any other with a
    tenant_id column (a model that forgot the base class), but the tenancy and teams apps' own.

    The queue's tables (procrastinate_*) are not tenant tables: they are the platform's, hold
    only tenant slugs and ids, and have no tenant_id column (see tenancy/background.py). Nor are
    memberships and invitations: they are read outside every tenant (sign-in, accepting an
    invitation by its token), so their views filter by tenant themselves."""
    tables = {model._meta.db_table for model in tenant_models()}
    platform_tables = [
        model._meta.db_table for label in ("tenancy", "teams") for model in apps.get_app_config(label).get_models()
    ]
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


def append_only_problems():
    """Every append-only table whose rows the runtime role could change or remove."""
    problems = []
    with connection.cursor() as cursor:
        for table in append_only_tables():
            cursor.execute(
                "SELECT array_agg(p ORDER BY n) FROM unnest(ARRAY['UPDATE', 'DELETE', 'TRUNCATE']) "
                "WITH ORDINALITY AS t(p, n) WHERE has_table_privilege(to_regclass(%s), p)",
                [f'"{table}"'],
            )
            (granted,) = cursor.fetchone()
            if granted:
                problems.append(
                    f"table {table} is append-only, but the runtime role may {', '.join(granted)} it: "
                    "run manage.py bootstrap (it revokes them)"
                )
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
    return problems + runtime_role_problems() + tenant_table_problems() + append_only_problems()
