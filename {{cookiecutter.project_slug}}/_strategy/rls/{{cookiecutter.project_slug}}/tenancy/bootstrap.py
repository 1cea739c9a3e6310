"""Bootstrap, rls strategy: the steps that bring a fresh or existing database up to date, as
the table owner (DATABASE_OWNER_URL), then check what requests' runtime role may do."""

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from psycopg import sql

from .cache_table import create_cache_table
from .diagnostics import append_only_problems, append_only_tables, runtime_role_problems, tenant_table_problems

__all__ = ["bootstrap_steps"]

OWNER_ALIAS = "owner"


def bootstrap_steps(canary=0):
    """(name, step) pairs that bootstrap runs in order; a step takes ``verbosity``. ``canary`` (tenant
    schemas migrated first) has nothing to act on: every tenant shares the same tables."""
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
        # An append-only table (the audit trail): requests may read and add rows, never change or remove one.
        for table in append_only_tables():
            cursor.execute(
                sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {role}").format(
                    table=sql.Identifier(table), role=runtime
                )
            )


def _verify_policies(verbosity):
    problems = tenant_table_problems() + append_only_problems()
    if problems:
        raise RuntimeError("; ".join(problems))
