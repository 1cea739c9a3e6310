"""The schema strategy at thousands of tenants: flat provisioning, exact copies, fast bootstrap.

Seconds are measured by ``make bench``; asserted here is the structure that keeps them flat.
"""

import json

from django.apps import apps
from django.db import connection
from django.test import override_settings
from psycopg import sql

from {{ cookiecutter.project_slug }}.tenancy.diagnostics import current_migration_state
from {{ cookiecutter.project_slug }}.tenancy.isolation import tenant_models
from {{ cookiecutter.project_slug }}.tenancy.models import Tenant
from {{ cookiecutter.project_slug }}.tenancy.services import create_tenant

from .support import autocommit_connection, bootstrapped_database, database_admin_settings, manage_py

# The project's own tenant apps and their tables (many-to-many join tables included): a test
# below takes them all away, so that no other app's migration is left recorded before them.
APPS = sorted({model._meta.app_label for model in tenant_models()})
APP_TABLES = sorted(
    {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in APPS and model._meta.managed and not model._meta.proxy
    }
)
WARM_UP = 10
CREATIONS = 40
# django-tenants' clone_schema() left about 4.8 MB per creation in the session; what remains
# here is the relation cache of the tables this session created, about 50 kB each.
MAX_SESSION_GROWTH_PER_CREATION = 256 * 1024


def schema_signature(schema, conn=None):
    """Everything a migration defines in ``schema``, with the schema's name taken out (on ``conn``,
    a psycopg connection to another database, or on the suite's)."""
    with (conn or connection).cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type, is_nullable, column_default, is_identity, "
            "identity_generation FROM information_schema.columns WHERE table_schema = %s ORDER BY 1, 2",
            [schema],
        )
        columns = cursor.fetchall()
        cursor.execute(
            "SELECT c.relname, con.conname, con.contype, pg_get_constraintdef(con.oid) FROM pg_constraint con "
            "JOIN pg_class c ON c.oid = con.conrelid WHERE c.relnamespace = %s::regnamespace ORDER BY 1, 2",
            [schema],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = %s ORDER BY 1, 2", [schema]
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p WHERE p.pronamespace = %s::regnamespace "
            "ORDER BY 1",
            [schema],
        )
        functions = cursor.fetchall()
        cursor.execute(
            "SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relnamespace = %s::regnamespace AND NOT t.tgisinternal ORDER BY 1, 2",
            [schema],
        )
        triggers = cursor.fetchall()
        cursor.execute(
            sql.SQL("SELECT app, name FROM {}.django_migrations ORDER BY 1, 2").format(sql.Identifier(schema))
        )
        migrations = cursor.fetchall()
        cursor.execute(
            sql.SQL("SELECT app_label, model FROM {}.django_content_type ORDER BY 1, 2").format(sql.Identifier(schema))
        )
        content_types = cursor.fetchall()
    text = repr((columns, constraints, indexes, functions, triggers, migrations, content_types))
    return text.replace(f"{schema}.", "<schema>.").replace(f'"{schema}".', "<schema>.")


def test_a_provisioned_schema_is_what_migrating_makes(db):
    create_tenant("initech", "Initech")
    with override_settings(TENANT_CREATION_FAKES_MIGRATIONS=False):
        Tenant(schema_name="migrated", slug="migrated", name="Migrated").save(verbosity=0)
    assert schema_signature("initech") == schema_signature("migrated")
    assert all(f"'{model._meta.db_table}'" in schema_signature("initech") for model in tenant_models())
    assert "CREATE TRIGGER" in schema_signature("initech")  # the audit trail's: triggers are compared too


def test_a_provisioned_schema_numbers_rows_on_from_the_template(db):
    """Identity sequences are copied with the rows: the next content type gets a fresh id."""
    create_tenant("initech", "Initech")
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM initech.django_content_type")
        highest = cursor.fetchone()[0]
        cursor.execute("INSERT INTO initech.django_content_type (app_label, model) VALUES ('x', 'y') RETURNING id")
        assert cursor.fetchone()[0] > highest


# Run by manage.py shell in its own process, as a signup view or a batch import runs: every
# creation commits, so what stays in the session is what a long-lived process accumulates.
CREATE_MANY = """
import json
import os
from django.db import connection
from django.test.utils import CaptureQueriesContext
from {{ cookiecutter.project_slug }}.tenancy.services import create_tenant

def session_memory():
    with connection.cursor() as cursor:
        cursor.execute("SELECT sum(total_bytes) FROM pg_backend_memory_contexts")
        return int(cursor.fetchone()[0])

memory, statements = [], []
creations, warm_up = int(os.environ["CREATIONS"]), int(os.environ["WARM_UP"])
for index in range(creations):
    if index == warm_up:
        memory.append(session_memory())
    with CaptureQueriesContext(connection) as queries:
        create_tenant(f"flat{index}", f"Flat {index}")
    statements.append(len(queries.captured_queries))
memory.append(session_memory())
print(json.dumps({"memory": memory, "statements": statements}))
"""


def test_tenant_creation_stays_flat_in_one_process():
    """The same statements for the 40th creation as for the 10th, and the session's memory flat."""
    env = bootstrapped_database("flat_creation")
    result = manage_py("shell", "-c", CREATE_MANY, CREATIONS=str(CREATIONS), WARM_UP=str(WARM_UP), **env)
    assert result.returncode == 0, result.stderr
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    statements = measured["statements"]
    growth = measured["memory"][1] - measured["memory"][0]
    assert statements[WARM_UP:] == [statements[WARM_UP]] * (CREATIONS - WARM_UP)
    assert growth < MAX_SESSION_GROWTH_PER_CREATION * (CREATIONS - WARM_UP), (
        f"the database session grew {growth / 1e6:.1f} MB over {CREATIONS - WARM_UP} tenant creations"
    )
    assert statements[-1] <= 16, "one round trip for the schema, a few for the rows"


def test_bootstrap_migrates_only_schemas_behind_and_names_every_failure():
    """Two schemas behind, one of them broken: the other is migrated, the broken one named, exit 1."""
    name = "bootstrap_failures"
    env = bootstrapped_database(name)
    for slug in ("behind", "broken", "fine"):
        result = manage_py("create_tenant", slug, "--name", slug, **env)
        assert result.returncode == 0, result.stderr
    with autocommit_connection(database_admin_settings(), f"test_{name}") as conn:
        # behind: its tables and their migration rows gone (as if they were new migrations).
        tables = sql.SQL(", ").join(sql.Identifier("behind", table) for table in APP_TABLES)
        conn.execute(sql.SQL("DROP TABLE {}").format(tables))
        conn.execute("DELETE FROM behind.django_migrations WHERE app = ANY(%s)", [APPS])
        # broken: migration rows gone but a table left in the way, so its migration fails.
        conn.execute("DELETE FROM broken.django_migrations WHERE app = ANY(%s)", [APPS])
        conn.execute("UPDATE tenancy_tenant SET migration_state = '' WHERE slug IN ('behind', 'broken')")
    result = manage_py("bootstrap", **env, BOOTSTRAP_WORKERS="2")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "broken" in result.stderr and "1 of 2 tenant schema(s)" in result.stderr, result.stderr
    assert "behind:" not in result.stderr and "fine" not in result.stderr
    with autocommit_connection(database_admin_settings(), f"test_{name}") as conn:
        states = dict(conn.execute("SELECT slug, migration_state FROM tenancy_tenant").fetchall())
        for table in APP_TABLES:
            empty = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier("behind", table)))
            assert empty.fetchone() == (0,), table
    assert states["behind"] == states["fine"] == current_migration_state()
    assert states["broken"] == ""
