"""The tenant management commands: the same names, flags and exit codes in both strategies."""

import json

import pytest
from django.core.management import CommandError, call_command, get_commands
from django.db import connection

from {{ cookiecutter.project_slug }}.tenancy.models import Domain, Membership, Tenant

from .support import manage_py

CONTRACT_COMMANDS = ("bootstrap", "create_tenant", "list_tenants", "delete_tenant", "check_tenancy", "import_tenant")


def database_snapshot():
    """Everything bootstrap could change: tables, columns, migrations, tenants (and catalog rows)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2, 3"
        )
        columns = cursor.fetchall()
        cursor.execute(
            "SELECT n.nspname, count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = 'django_migrations' GROUP BY 1 ORDER BY 1"
        )
        migration_tables = cursor.fetchall()
    tenants = list(Tenant.objects.order_by("slug").values_list("slug", "name"))
    return columns, migration_tables, tenants


@pytest.mark.parametrize("name", CONTRACT_COMMANDS)
def test_contract_commands_are_the_projects_own(name):
    """A library may ship a create_tenant or delete_tenant of its own; the project's must win."""
    assert get_commands()[name] == "{{ cookiecutter.project_slug }}.tenancy"


@pytest.mark.parametrize("name", ["suspend_tenant", "resume_tenant"])
def test_suspension_commands_are_the_projects_own(name):
    """The same commands in both strategies: the teams app's (tests/test_suspension.py runs them)."""
    assert get_commands()[name] == "{{ cookiecutter.project_slug }}.teams"


@pytest.mark.django_db(databases="__all__")
def test_bootstrap_again_changes_nothing():
    before = database_snapshot()
    call_command("bootstrap", verbosity=0)
    assert database_snapshot() == before


def test_create_list_delete_tenant(db):
    call_command(
        "create_tenant",
        "initech",
        "--name",
        "Initech",
        "--owner-email",
        "owner@initech.test",
        "--owner-password",
        "a-long-unusual-password-42",
    )
    tenant = Tenant.objects.get(slug="initech")
    assert Membership.objects.get(tenant=tenant).role == Membership.Role.OWNER

    listed = {row["slug"]: row for row in json.loads(call_command_output("list_tenants", "--json"))}
    assert set(listed) >= {"acme", "globex", "initech"}
    assert "public" not in listed
    assert listed["initech"]["name"] == "Initech"
    assert set(listed["initech"]) == {"slug", "name", "domain", "created"}

    call_command("delete_tenant", "initech", "--yes")
    assert not Tenant.objects.filter(slug="initech").exists()
    assert not Domain.objects.filter(tenant_id=tenant.pk).exists()
    assert "initech" not in call_command_output("list_tenants")


def test_create_tenant_with_a_custom_domain(db):
    call_command("create_tenant", "hooli", "--name", "Hooli", "--domain", "app.hooli.test")
    assert Tenant.objects.get(slug="hooli").primary_domain == "app.hooli.test"


@pytest.mark.parametrize(
    "slug",
    ["A", "Acme2", "1acme", "acme_corp", "acme--corp", "-acme", "acme-", "a", "x" * 41, "public", "www", "admin"],
)
def test_create_tenant_refuses_a_bad_slug(db, slug):
    with pytest.raises(CommandError, match="slug"):
        call_command("create_tenant", slug, "--name", "Bad")
    assert not Tenant.objects.customers().filter(slug=slug).exists()


def test_create_tenant_refuses_a_taken_slug(db):
    with pytest.raises(CommandError, match="already taken"):
        call_command("create_tenant", "acme", "--name", "Acme again")


def test_create_tenant_refuses_a_new_owner_without_password(db):
    with pytest.raises(CommandError, match="--owner-password"):
        call_command("create_tenant", "umbrella", "--name", "Umbrella", "--owner-email", "new@umbrella.test")
    assert not Tenant.objects.filter(slug="umbrella").exists()


def test_create_tenant_reuses_an_existing_user_as_owner(db, acme):
    call_command("create_tenant", "wayne", "--name", "Wayne", "--owner-email", acme.owner.email)
    assert Membership.objects.filter(user=acme.owner, tenant__slug="wayne", role="owner").exists()


def test_delete_tenant_needs_yes(db):
    with pytest.raises(CommandError, match="--yes"):
        call_command("delete_tenant", "acme")
    assert Tenant.objects.filter(slug="acme").exists()


def test_delete_tenant_refuses_an_unknown_slug(db):
    with pytest.raises(CommandError, match="No tenant"):
        call_command("delete_tenant", "nosuchtenant", "--yes")


def test_check_tenancy_passes_on_a_bootstrapped_database(db):
    assert "enforced" in call_command_output("check_tenancy")


def test_failures_exit_non_zero_through_manage_py():
    """What a deploy script sees: exit status and a message that says what to do."""
    result = manage_py("create_tenant", "Not A Slug", "--name", "x")
    assert result.returncode != 0
    assert "Invalid tenant slug" in result.stderr
    result = manage_py("delete_tenant", "nosuchtenant", "--yes")
    assert result.returncode != 0
    assert "list_tenants" in result.stderr


def call_command_output(*args):
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_export_tenant_writes_only_that_tenants_rows(db, acme, globex, tmp_path):
    from {{ cookiecutter.project_slug }}.projects.models import Project
    from {{ cookiecutter.project_slug }}.tenancy.isolation import tenant_context

    for under_test in (acme, globex):
        with tenant_context(under_test.tenant):
            Project.objects.create(name=f"{under_test.slug}-exported-project")
    output = tmp_path / "acme.json"
    call_command("export_tenant", "acme", "--output", str(output))
    exported = json.loads(output.read_text())
    names = [row["fields"].get("name") for row in exported if row["model"] == "projects.project"]
    assert names == ["acme-exported-project"]
    assert "globex" not in output.read_text()


def test_export_tenant_refuses_an_unknown_slug(db):
    with pytest.raises(CommandError, match="No tenant"):
        call_command("export_tenant", "nosuchtenant")
