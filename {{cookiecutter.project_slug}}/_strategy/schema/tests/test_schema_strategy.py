"""The schema strategy's own guarantees: cloned tenant schemas, and readiness per schema."""

import math
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context, schema_exists

from {{ cookiecutter.project_slug }}.tenancy import diagnostics
from {{ cookiecutter.project_slug }}.tenancy.diagnostics import pending_migrations, readiness_problems, tenant_schemas
from {{ cookiecutter.project_slug }}.tenancy.models import BASE_SCHEMA
from {{ cookiecutter.project_slug }}.tenancy.services import create_tenant, delete_tenant

from .support import autocommit_connection


def tables_in(schema):
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY 1", [schema])
        return [row[0] for row in cursor.fetchall()]


def applied_migrations(schema):
    with schema_context(schema), connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations ORDER BY 1, 2')
        return cursor.fetchall()


def test_a_new_tenant_is_a_complete_clone_of_the_template(db):
    tenant = create_tenant("initech", "Initech")
    assert tenant.schema_name == "initech"
    assert tables_in("initech") == tables_in(BASE_SCHEMA)
    assert "projects_project" in tables_in("initech")
    assert applied_migrations("initech") == applied_migrations(BASE_SCHEMA)
    assert pending_migrations(schemas=["initech"]) == {}


def test_a_hyphenated_slug_gets_a_valid_schema_name(db):
    assert create_tenant("big-co", "Big Co").schema_name == "big_co"
    assert schema_exists("big_co")


def test_delete_tenant_drops_its_schema(db):
    create_tenant("doomed", "Doomed")
    delete_tenant("doomed")
    assert not schema_exists("doomed")


@contextmanager
def committed(do, undo):
    """Run ``do`` and commit it (readiness checks on a connection of its own), then ``undo(conn, rows)``."""
    with autocommit_connection(connection.settings_dict, connection.settings_dict["NAME"]) as conn:
        cursor = conn.execute(do)
        rows = cursor.fetchall() if cursor.description else []
        try:
            yield
        finally:
            undo(conn, rows)


def test_ready_is_503_naming_a_tenant_schema_behind_this_releases_migrations(db, client, acme):
    """A release with a new tenant migration that bootstrap has not applied to acme yet."""
    with committed(
        "UPDATE tenancy_tenant t SET migration_state = 'an older release' "
        "FROM (SELECT id, migration_state FROM tenancy_tenant WHERE schema_name = 'acme') old "
        "WHERE t.id = old.id RETURNING old.migration_state",
        lambda conn, rows: conn.execute(
            "UPDATE tenancy_tenant SET migration_state = %s WHERE schema_name = 'acme'", [rows[0][0]]
        ),
    ):
        response = client.get("/api/v1/ready/", HTTP_HOST="localhost")
        assert response.status_code == 503
        assert list(response.json()["failed"]["migrations"]) == ["acme"]


def test_check_tenancy_reads_every_schemas_own_migrations(db, acme):
    """Readiness trusts the recorded state; check_tenancy reads the truth, hand edits included."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM acme.django_migrations WHERE app = 'projects'")
    assert list(pending_migrations(schemas=["acme", "globex"])) == ["acme"]
    with pytest.raises(CommandError, match="violation"):
        call_command("check_tenancy")


def test_pending_migrations_reads_schemas_a_bounded_number_per_query(db, acme, monkeypatch):
    """One UNION ALL over 10,000 schemas exceeded PostgreSQL's max_stack_depth and stopped bootstrap."""
    for slug in ("batch1", "batch2", "batch3"):
        create_tenant(slug, slug.title())
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM batch3.django_migrations WHERE app = 'projects'")
    monkeypatch.setattr(diagnostics, "SCHEMAS_PER_QUERY", 2)
    schemas = tenant_schemas()
    with CaptureQueriesContext(connection) as queries:
        pending = pending_migrations(schemas=schemas)
    assert list(pending) == ["batch3"]
    reads = [query["sql"] for query in queries if ".django_migrations" in query["sql"]]
    assert len(reads) == math.ceil(len(schemas) / 2) > 1
    assert all(read.count("UNION ALL") <= 1 for read in reads)


def test_ready_is_503_when_a_tenant_schema_is_missing(db, client, acme):
    with committed(
        "ALTER SCHEMA globex RENAME TO globex_hidden",
        lambda conn, rows: conn.execute("ALTER SCHEMA globex_hidden RENAME TO globex"),
    ):
        response = client.get("/api/v1/ready/", HTTP_HOST="localhost")
        assert response.status_code == 503
        assert "globex" in response.json()["failed"]["migrations"]


def test_readiness_takes_no_lock_on_tenant_tables(db, client, acme):
    """A probe every few seconds must not lock one table per tenant (thousands of them)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::regnamespace::oid", ["acme"])
        acme_oid = cursor.fetchone()[0]
        readiness_problems()
        cursor.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE l.pid = pg_backend_pid() AND c.relnamespace = %s",
            [acme_oid],
        )
        assert cursor.fetchone()[0] == 0


def test_the_tenant_commands_are_not_django_tenants_own(db):
    """django-tenants' create_tenant takes --schema_name and --domain-domain; ours takes a slug."""
    call_command("create_tenant", "contract", "--name", "Contract")
    with pytest.raises(CommandError):
        call_command("create_tenant", "--schema_name", "x", "--name", "y")
