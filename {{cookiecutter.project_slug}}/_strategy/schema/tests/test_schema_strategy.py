"""The schema strategy's own guarantees: cloned tenant schemas, and readiness per schema."""

from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from {{ cookiecutter.project_slug }}.tenancy.isolation import BASE_SCHEMA, pending_migrations
from {{ cookiecutter.project_slug }}.tenancy.services import create_tenant, delete_tenant

from .conftest import autocommit_connection


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


def reinsert_migrations(conn, rows):
    with conn.cursor() as cursor:
        cursor.executemany("INSERT INTO acme.django_migrations (id, app, name, applied) VALUES (%s, %s, %s, %s)", rows)


def test_ready_is_503_naming_a_tenant_schema_with_a_pending_migration(db, client, acme):
    with committed(
        "DELETE FROM acme.django_migrations WHERE app = 'projects' RETURNING id, app, name, applied",
        reinsert_migrations,
    ):
        response = client.get("/api/v1/ready/", HTTP_HOST="localhost")
        assert response.status_code == 503
        assert "acme" in response.json()["failed"]["migrations"]
        with pytest.raises(CommandError, match="violation"):
            call_command("check_tenancy")


def test_ready_is_503_when_a_tenant_schema_is_missing(db, client, acme):
    with committed(
        "ALTER SCHEMA globex RENAME TO globex_hidden",
        lambda conn, rows: conn.execute("ALTER SCHEMA globex_hidden RENAME TO globex"),
    ):
        response = client.get("/api/v1/ready/", HTTP_HOST="localhost")
        assert response.status_code == 503
        assert "globex" in response.json()["failed"]["migrations"]


def test_the_tenant_commands_are_not_django_tenants_own(db):
    """django-tenants' create_tenant takes --schema_name and --domain-domain; ours takes a slug."""
    call_command("create_tenant", "contract", "--name", "Contract")
    with pytest.raises(CommandError):
        call_command("create_tenant", "--schema_name", "x", "--name", "y")
