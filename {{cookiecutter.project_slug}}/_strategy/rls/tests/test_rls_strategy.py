"""The rls strategy's guarantees, proven in SQL as the runtime role: the role every test runs as.

The tests' own connection (DATABASE_URL) is the production-like runtime role, so a table
without a policy would leak rows into these tests instead of passing them silently.
"""

import os
import subprocess
import sys
from io import StringIO

import psycopg
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, connections, models, transaction
from django.db.migrations.autodetector import MigrationAutodetector
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ProjectState
from django.test.utils import isolate_apps

from {{ cookiecutter.project_slug }}.projects.models import Project, Task
from {{ cookiecutter.project_slug }}.tenancy import rls
from {{ cookiecutter.project_slug }}.tenancy.diagnostics import runtime_role_problems, tenant_table_problems, tenant_tables
from {{ cookiecutter.project_slug }}.tenancy.isolation import tenant_context, tenant_models
from {{ cookiecutter.project_slug }}.tenancy.models import TenantScopedModel

from config.database import with_database_name

from .support import PROJECT_DIR, autocommit_connection, manage_py


def scalar(query, params=()):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()[0]


def owner_connection():
    """A separate autocommit connection as the table owner, for changes the test must undo."""
    params = settings.DATABASES["owner"]
    return autocommit_connection(params, params["NAME"])


def superuser_database_url():
    """A superuser's URL for the test database's base name (settings add the test_ prefix)."""
    base_name = settings.DATABASES["default"]["NAME"].removeprefix("test_")
    if not os.environ.get("DATABASE_URL"):
        from config import dev_database

        return dev_database.role_url("postgres", base_name)
    url = with_database_name(os.environ["DATABASE_OWNER_URL"], base_name)
    with owner_connection() as conn:
        assert conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0], (
            "this test needs a superuser: point DATABASE_OWNER_URL at one (CI's postgres service user is)"
        )
    return url


def test_the_tests_run_as_a_role_that_cannot_bypass_rls(db):
    assert runtime_role_problems() == []
    assert scalar("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user") is False
    assert scalar("SELECT current_user") != settings.DATABASES["owner"]["USER"]


def test_every_tenant_table_has_forced_rls_with_a_policy(db):
    tables = tenant_tables()
    assert {"projects_project", "projects_task", "audit_entry"} <= set(tables)
    for table in tables:
        assert scalar("SELECT relrowsecurity AND relforcerowsecurity FROM pg_class WHERE relname = %s", [table])


def test_without_a_tenant_every_tenant_table_reads_empty(data):
    for table in tenant_tables():
        assert scalar(f'SELECT count(*) FROM "{table}"') == 0, table
    assert Project.objects.count() == 0


def test_with_a_tenant_set_only_its_rows_are_visible(data, acme):
    with tenant_context(acme.tenant):
        assert scalar("SELECT count(*) FROM projects_project") == 1
        assert scalar("SELECT name FROM projects_project") == "acme-secret-project"


def test_with_tenant_a_set_an_insert_for_tenant_b_is_rejected(data, acme, globex):
    with tenant_context(acme.tenant), pytest.raises(DatabaseError, match="row-level security"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO projects_project (tenant_id, name, created, done_task_count) "
                "VALUES (%s, 'smuggled', now(), 0)",
                [globex.tenant.pk],
            )


def test_an_update_cannot_move_a_row_to_another_tenant(data, acme, globex):
    with tenant_context(acme.tenant), pytest.raises(DatabaseError, match="row-level security"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE projects_project SET tenant_id = %s", [globex.tenant.pk])


def test_a_task_cannot_point_at_another_tenants_project_even_by_raw_sql(data, acme):
    with tenant_context(acme.tenant), pytest.raises(IntegrityError, match="same_tenant"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO projects_task (tenant_id, project_id, title, done) VALUES (%s, %s, 'smuggled', false)",
                [acme.tenant.pk, data["globex"]["projects"]],
            )


def test_an_insert_outside_any_tenant_fails_closed(db):
    # No tenant: the column default is NULL, which no policy admits and NOT NULL refuses.
    with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
        Project.objects.create(name="orphan")


def test_the_tenant_setting_ends_with_the_request(api, acme, data):
    assert api("acme", acme.owner).get("/api/v1/projects/").status_code == 200
    assert scalar(f"SELECT NULLIF(current_setting('{rls.TENANT_SETTING}', true), '')") is None
    assert scalar("SELECT count(*) FROM projects_project") == 0


def test_nested_tenant_contexts_restore_the_outer_tenant(data, acme, globex):
    with tenant_context(acme.tenant):
        with tenant_context(globex.tenant):
            assert scalar("SELECT name FROM projects_project") == "globex-secret-project"
        assert scalar("SELECT name FROM projects_project") == "acme-secret-project"
    assert scalar("SELECT count(*) FROM projects_project") == 0


def test_deleting_a_tenant_deletes_its_rows_only(data, acme, globex):
    from {{ cookiecutter.project_slug }}.tenancy.services import delete_tenant

    delete_tenant("globex")
    with tenant_context(acme.tenant):
        assert Task.objects.count() == 1
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT set_config('{rls.TENANT_SETTING}', %s, true)", [str(globex.tenant.pk)])
        cursor.execute("SELECT count(*) FROM projects_task")
        assert cursor.fetchone()[0] == 0


@pytest.mark.parametrize(
    ("break_sql", "expected"),
    [
        ('DROP POLICY {policy} ON "projects_task"', "projects_task: no tenant policy"),
        ('ALTER TABLE "projects_task" NO FORCE ROW LEVEL SECURITY', "projects_task: row level security is not forced"),
        ('ALTER TABLE "projects_task" DISABLE ROW LEVEL SECURITY', "projects_task: row level security is not enabled"),
    ],
)
def test_check_tenancy_names_the_table_when_its_security_is_broken(db, break_sql, expected):
    repair = [
        'ALTER TABLE "projects_task" ENABLE ROW LEVEL SECURITY',
        'ALTER TABLE "projects_task" FORCE ROW LEVEL SECURITY',
    ]
    with owner_connection() as owner:
        owner.execute(break_sql.format(policy=rls.POLICY_NAME))
        try:
            errors = StringIO()
            with pytest.raises(CommandError, match="violation"):
                call_command("check_tenancy", stderr=errors)
            assert expected in errors.getvalue()
        finally:
            for statement in repair:
                owner.execute(statement)
            if "DROP POLICY" in break_sql:
                owner.execute(rls.create_policy_sql("projects_task"))
    call_command("check_tenancy")


# --- the policy comes with the model: TenantScopedModel's constraints, written by makemigrations ----


def isolation_constraints(model):
    """(policies, (id, tenant) uniques, fields with a same-tenant key) among ``model``'s constraints."""
    constraints = model._meta.constraints
    return (
        [c.name for c in constraints if isinstance(c, rls.TenantIsolation)],
        [c.name for c in constraints if isinstance(c, models.UniqueConstraint) and set(c.fields) == {"id", "tenant"}],
        {c.field for c in constraints if isinstance(c, rls.SameTenantForeignKey)},
    )


def tenant_foreign_keys(model):
    return {
        field.name
        for field in model._meta.local_fields
        if field.many_to_one and field.name != "tenant" and issubclass(field.related_model, TenantScopedModel)
    }


def test_every_tenant_model_carries_its_isolation_among_its_constraints():
    assert isolation_constraints(Task)[2] == {"project"}
    for model in tenant_models():
        policies, uniques, keys = isolation_constraints(model)
        assert len(policies) == 1, model
        assert len(uniques) == 1, model
        assert keys == tenant_foreign_keys(model), model
        assert [index for index in model._meta.indexes if list(index.fields[:2]) == ["tenant", "id"]], model


def test_the_migrations_declare_every_isolation_constraint():
    """makemigrations --check, as a test: the migrations' state is the models' own."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    migrated = loader.project_state()
    changes = MigrationAutodetector(migrated, ProjectState.from_apps(apps)).changes(graph=loader.graph)
    assert changes == {}, f"run manage.py makemigrations: {changes}"
    for model in tenant_models():
        state = migrated.models[model._meta.app_label, model._meta.model_name]
        names = {constraint.name for constraint in state.options["constraints"]}
        policies, uniques, _keys = isolation_constraints(model)
        keys = [c.name for c in model._meta.constraints if isinstance(c, rls.SameTenantForeignKey)]
        assert {*policies, *uniques, *keys} <= names, model


@pytest.fixture
def new_models():
    """Two models a team might add, each with a Meta of its own, outside the project's registry."""
    with isolate_apps("{{ cookiecutter.project_slug }}.projects"):

        class Ledger(TenantScopedModel):
            name = models.CharField(max_length=100)

            class Meta:
                app_label = "projects"
                db_table = "throwaway_ledger"
                constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="throwaway_ledger_name")]

        class Entry(TenantScopedModel):
            ledger = models.ForeignKey(Ledger, on_delete=models.CASCADE)
            note = models.CharField(max_length=100)

            class Meta:
                app_label = "projects"
                db_table = "throwaway_entry"
                indexes = [models.Index(fields=["tenant", "ledger"], name="throwaway_entry_ledger")]

        yield Ledger, Entry


def runtime_connection():
    params = settings.DATABASES["default"]
    return autocommit_connection(params, params["NAME"])


def in_tenant(conn, slug, statement, params=()):
    with conn.transaction():
        conn.execute(
            "SELECT set_config(%s, (SELECT id FROM tenancy_tenant WHERE slug = %s)::text, true)",
            [rls.TENANT_SETTING, slug],
        )
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


def test_a_new_model_needs_nothing_but_the_base_class(db, new_models):
    """Its own Meta kept, its isolation added; the SQL of its migration isolates it. Rows are
    written on connections of their own: the test's transaction must hold no lock that would
    stop the tables from being dropped at the end."""
    ledger, entry = new_models
    assert ledger._meta.constraints[0].name == "throwaway_ledger_name"
    assert [index.name for index in entry._meta.indexes] == ["throwaway_entry_ledger", "entry_tenant_id_idx"]
    assert [index.fields for index in ledger._meta.indexes] == [["tenant", "id"]]
    assert isolation_constraints(entry) == (
        ["throwaway_entry_tenant_isolation"],
        ["entry_id_tenant_unique"],
        {"ledger"},
    )
    with connections["owner"].schema_editor(collect_sql=True, atomic=False) as editor:
        editor.create_model(ledger)
        editor.create_model(entry)
    runtime = settings.DATABASES["default"]["USER"]
    with owner_connection() as owner:
        try:
            for statement in editor.collected_sql:
                owner.execute(statement)
            owner.execute(f'GRANT SELECT, INSERT, UPDATE, DELETE ON throwaway_ledger, throwaway_entry TO "{runtime}"')
            owner.execute(f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO "{runtime}"')
            assert not [p for p in tenant_table_problems() if "throwaway" in p]
            with runtime_connection() as conn:
                insert_ledger = "INSERT INTO throwaway_ledger (name) VALUES ('a') RETURNING id"
                insert_entry = "INSERT INTO throwaway_entry (ledger_id, note) VALUES (%s, 'a')"
                (acme_ledger,) = in_tenant(conn, "acme", insert_ledger)
                in_tenant(conn, "acme", insert_entry, acme_ledger)
                assert in_tenant(conn, "globex", "SELECT count(*) FROM throwaway_entry") == [(0,)]
                assert in_tenant(conn, "acme", "SELECT note FROM throwaway_entry") == [("a",)]
                with pytest.raises(psycopg.errors.ForeignKeyViolation, match="throwaway_entry_ledger_id_same_tenant"):
                    in_tenant(conn, "globex", insert_entry, acme_ledger)
            owner.execute(f"DROP POLICY {rls.POLICY_NAME} ON throwaway_entry")
            assert "table throwaway_entry: no tenant policy" in " ".join(tenant_table_problems())
        finally:
            owner.execute("DROP TABLE IF EXISTS throwaway_entry, throwaway_ledger")


def test_check_tenancy_fails_when_the_runtime_role_is_a_superuser():
    result = manage_py("check_tenancy", DATABASE_URL=superuser_database_url())
    assert result.returncode != 0
    assert "is a superuser" in result.stderr


def test_production_refuses_to_start_with_a_superuser_runtime_role():
    """config/wsgi.py runs the tenancy checks: gunicorn's workers would fail to boot."""
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "localhost",
        "EMAIL_URL": "consolemail://",
        "DATABASE_URL": with_database_name(superuser_database_url(), settings.DATABASES["default"]["NAME"]),
    }
    result = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        cwd=PROJECT_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Refusing to serve" in result.stderr
    assert "superuser" in result.stderr


def policies():
    return scalar(
        "SELECT coalesce(array_agg(row(tablename, policyname, qual, with_check)::text ORDER BY tablename, policyname), "
        "'{}') FROM pg_policies WHERE schemaname = current_schema()"
    )


@pytest.mark.django_db(databases="__all__")
def test_bootstrap_again_leaves_every_policy_as_it_was():
    before = policies()
    assert before != [], "bootstrap made no policy at all"
    call_command("bootstrap", verbosity=0)
    assert policies() == before


def test_bootstrap_refuses_to_run_requests_as_the_owner():
    owner_url = os.environ.get("DATABASE_OWNER_URL")
    if owner_url is None:
        from config import dev_database

        owner_url = dev_database.url("DATABASE_OWNER_URL")
    result = manage_py("bootstrap", DATABASE_URL=owner_url, DATABASE_OWNER_URL=owner_url)
    assert result.returncode != 0
    assert "both connect as" in result.stderr


def test_ready_is_503_naming_a_pending_migration(db, client):
    # The newest migration of the app: an older one unapplied under an applied one is not "pending".
    latest = max(name for app, name in MigrationLoader(None).graph.leaf_nodes() if app == "projects")
    with owner_connection() as owner:
        removed = owner.execute(
            "DELETE FROM django_migrations WHERE app = 'projects' AND name = %s RETURNING app, name, applied", [latest]
        ).fetchone()
        try:
            response = client.get("/api/v1/ready/", HTTP_HOST="localhost")
        finally:
            owner.execute("INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, %s)", removed)
    assert response.status_code == 503
    assert f"projects.{latest}" in response.json()["failed"]["migrations"]["database"]


# --- the runtime role check: every way a role could get past the policies ----------------------

SUSPECT_ROLE = "suspect_runtime_role"


def superuser_test_database():
    """An autocommit superuser connection to the test database itself."""
    import psycopg

    url = with_database_name(superuser_database_url(), settings.DATABASES["default"]["NAME"])
    return psycopg.connect(url, autocommit=True)


@pytest.fixture
def suspect_role():
    """suspect_role(*statements): a NOINHERIT login role made by a superuser, then ``statements``
    ("{role}" is its name, "{owner}" the table owner's); dropped afterwards. Returns its name."""
    conn = superuser_test_database()
    names = {"role": f'"{SUSPECT_ROLE}"', "owner": f'"{settings.DATABASES["owner"]["USER"]}"'}

    def make(*statements):
        conn.execute("CREATE ROLE {role} LOGIN NOINHERIT PASSWORD 'suspect'".format(**names))
        for statement in statements:
            conn.execute(statement.format(**names))
        return SUSPECT_ROLE

    yield make
    if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [SUSPECT_ROLE]).fetchone():
        conn.execute("DROP OWNED BY {role}".format(**names))
        conn.execute("DROP ROLE {role}".format(**names))
    conn.execute("DROP ROLE IF EXISTS suspect_bypass")
    conn.close()


def test_a_plain_role_passes_the_runtime_role_check(db, suspect_role):
    assert runtime_role_problems(role=suspect_role()) == []


@pytest.mark.parametrize(
    "grant",
    [
        "GRANT {owner} TO {role}",  # NOINHERIT: nothing inherited, but SET ROLE works
        "GRANT {owner} TO {role} WITH INHERIT FALSE, SET TRUE",
        "GRANT {owner} TO {role} WITH INHERIT FALSE, SET FALSE",  # still a member: refused too
    ],
    ids=["noinherit-member", "set-only-member", "bare-member"],
)
def test_a_member_of_the_table_owner_in_any_form_is_refused(db, suspect_role, grant):
    problems = runtime_role_problems(role=suspect_role(grant))
    assert any("member of the table owner" in problem for problem in problems), problems


def test_a_member_of_a_bypassrls_role_is_refused(db, suspect_role):
    role = suspect_role("CREATE ROLE suspect_bypass NOLOGIN BYPASSRLS", "GRANT suspect_bypass TO {role}")
    problems = runtime_role_problems(role=role)
    assert any("suspect_bypass" in problem for problem in problems), problems


def test_a_role_that_can_create_in_the_public_schema_is_refused(db, suspect_role):
    problems = runtime_role_problems(role=suspect_role("GRANT CREATE ON SCHEMA public TO {role}"))
    assert any("CREATE in the schema" in problem for problem in problems), problems


def test_check_tenancy_refuses_a_runtime_role_that_can_set_role_to_the_owner(db, suspect_role):
    """The attack of the report: a NOINHERIT member of the owner passed, then SET ROLE and disabled FORCE RLS."""
    role = suspect_role(
        "GRANT {owner} TO {role}",
        "GRANT USAGE ON SCHEMA public TO {role}",
        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}",
    )
    base_url = with_database_name(superuser_database_url(), settings.DATABASES["default"]["NAME"].removeprefix("test_"))
    parts = base_url.split("://", 1)[1].split("@", 1)[1]
    result = manage_py("check_tenancy", DATABASE_URL=f"postgres://{role}:suspect@{parts}")
    assert result.returncode != 0, result.stdout
    assert "member of the table owner" in result.stdout + result.stderr


def test_ready_is_503_naming_privileges_when_the_runtime_role_lacks_a_grant(db, client):
    """A runtime role without bootstrap's grants was an HTML 500; now a 503 naming the check, not the role."""
    runtime = settings.DATABASES["default"]["USER"]
    with owner_connection() as conn:
        conn.execute(f'REVOKE SELECT ON projects_task FROM "{runtime}"')
        try:
            response = client.get("/api/v1/ready/", HTTP_HOST="10.0.0.9")
        finally:
            conn.execute(f'GRANT SELECT ON projects_task TO "{runtime}"')
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    failed = response.json()["failed"]
    assert list(failed) == ["privileges"]
    assert "projects_task" in failed["privileges"]
    assert runtime not in response.content.decode()
    assert client.get("/api/v1/ready/", HTTP_HOST="10.0.0.9").status_code == 200


# --- the audit trail: append-only by privileges (tests/test_audit.py proves the refusals) -------


def test_the_runtime_role_may_only_read_and_add_to_the_audit_trail(db):
    granted = [
        privilege
        for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE")
        if scalar("SELECT has_table_privilege('audit_entry', %s)", [privilege])
    ]
    assert granted == ["SELECT", "INSERT"]


def test_check_tenancy_names_an_audit_trail_the_runtime_role_could_rewrite(db, client):
    runtime = settings.DATABASES["default"]["USER"]
    with owner_connection() as owner:
        owner.execute(f'GRANT UPDATE, DELETE ON audit_entry TO "{runtime}"')
        try:
            errors = StringIO()
            with pytest.raises(CommandError, match="violation"):
                call_command("check_tenancy", stderr=errors)
            assert "table audit_entry is append-only, but the runtime role may UPDATE, DELETE it" in errors.getvalue()
        finally:
            owner.execute(f'REVOKE UPDATE, DELETE ON audit_entry FROM "{runtime}"')
    call_command("check_tenancy")
    # Without UPDATE and DELETE there, the runtime role still has every privilege readiness asks for.
    assert client.get("/api/v1/ready/", HTTP_HOST="10.0.0.9").status_code == 200


def test_ready_is_503_naming_the_audit_trail_when_the_runtime_role_cannot_add_to_it(db, client):
    runtime = settings.DATABASES["default"]["USER"]
    with owner_connection() as conn:
        conn.execute(f'REVOKE INSERT ON audit_entry FROM "{runtime}"')
        try:
            response = client.get("/api/v1/ready/", HTTP_HOST="10.0.0.9")
        finally:
            conn.execute(f'GRANT INSERT ON audit_entry TO "{runtime}"')
    assert response.status_code == 503
    assert "audit_entry" in response.json()["failed"]["privileges"]
