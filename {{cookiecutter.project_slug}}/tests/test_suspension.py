"""Suspension: `manage.py suspend_tenant` makes every tenant-scoped request of the tenant a 403
"This tenant is suspended.", its owners' and its admin site's included, until `resume_tenant`;
GET /api/v1/auth/me/ shows each membership's state."""

import time
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.tenancy.models import Tenant

from .support import manage_py, routing_headers, token_for

SUSPENDED = {"detail": "This tenant is suspended."}


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def states(client):
    """{tenant slug: state} of the signed-in user's memberships."""
    memberships = client.get("/api/v1/auth/me/").json()["memberships"]
    return {each["tenant"]: each["state"] for each in memberships}


def test_a_suspended_tenant_refuses_its_own_owner_until_resumed(api, acme, data):
    client = api("acme", acme.owner)
    project = f"/api/v1/projects/{data['acme']['projects']}/"
    assert client.get(project).status_code == 200  # the tenant is now in this process's cache
    assert "Suspended tenant acme" in run("suspend_tenant", "acme")
    # The next request, in the process that suspended it.
    for method, path, body in [
        ("get", "/api/v1/projects/", None),
        ("get", project, None),
        ("patch", project, {"name": "renamed"}),
        ("delete", project, None),
        ("post", f"{project}recount/", None),
        ("get", "/api/v1/members/", None),
        ("delete", "/api/v1/tenant/", {"confirm": "acme"}),
    ]:
        response = getattr(client, method)(path, body, format="json")
        assert response.status_code == 403, f"{method} {path}"
        assert response.json() == SUSPENDED, f"{method} {path}"
    assert Tenant.objects.filter(slug="acme").exists()
    assert "Resumed tenant acme" in run("resume_tenant", "acme")
    assert client.get(project).status_code == 200
    assert client.get(project).json()["name"] == "acme-secret-project"


def test_a_suspended_tenant_still_says_401_without_credentials_and_403_to_others(api, acme, globex, data):
    run("suspend_tenant", "acme")
    assert api("acme").get("/api/v1/projects/").status_code == 401
    # To a non-member it answers as any tenant does: not a member (it tells them nothing more).
    refused = api("acme", globex.owner).get("/api/v1/projects/")
    assert refused.status_code == 403
    assert refused.json() == {"detail": "You are not a member of this tenant."}
    # Other tenants are served as before.
    assert api("globex", globex.owner).get("/api/v1/projects/").status_code == 200


def test_me_shows_each_memberships_state(acme, globex):
    from {{ cookiecutter.project_slug }}.tenancy.models import Membership

    Membership.objects.create(user=acme.owner, tenant=globex.tenant, role=Membership.Role.MEMBER)
    client = APIClient(HTTP_HOST=settings.BASE_DOMAIN)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(acme.owner)}")
    assert states(client) == {"acme": "active", "globex": "active"}
    run("suspend_tenant", "globex")
    assert states(client) == {"acme": "active", "globex": "suspended"}
    run("resume_tenant", "globex")
    assert states(client) == {"acme": "active", "globex": "active"}


def test_the_tenant_admin_is_closed_too(client, acme):
    client.force_login(acme.owner)
    assert client.get("/admin/", **routing_headers("acme")).status_code == 200
    run("suspend_tenant", "acme")
    assert client.get("/admin/", **routing_headers("acme")).status_code == 403
    run("resume_tenant", "acme")
    assert client.get("/admin/", **routing_headers("acme")).status_code == 200


def test_another_process_sees_it_within_tenant_cache_seconds(api, acme, settings):
    """A suspension saved by another process (a command) reaches this one when its cached tenant expires."""
    settings.TENANT_CACHE_SECONDS = 1
    client = api("acme", acme.owner)
    assert client.get("/api/v1/projects/").status_code == 200
    # As another process saves it: no signal reaches this process's cache.
    Tenant.objects.filter(slug="acme").update(suspended_at="2030-01-01T00:00:00Z")
    assert client.get("/api/v1/projects/").status_code == 200  # still the cached tenant
    time.sleep(1.1)
    assert client.get("/api/v1/projects/").json() == SUSPENDED


def test_suspending_twice_and_resuming_an_active_tenant_change_nothing(acme):
    run("suspend_tenant", "acme")
    suspended_at = Tenant.objects.get(slug="acme").suspended_at
    assert "already suspended" in run("suspend_tenant", "acme")
    assert Tenant.objects.get(slug="acme").suspended_at == suspended_at
    run("resume_tenant", "acme")
    assert "was not suspended" in run("resume_tenant", "acme")
    assert Tenant.objects.get(slug="acme").suspended_at is None


@pytest.mark.parametrize("command", ["suspend_tenant", "resume_tenant"])
def test_an_unknown_slug_is_an_error(db, command):
    with pytest.raises(CommandError, match="No tenant"):
        call_command(command, "nosuchtenant")


@pytest.mark.parametrize("command", ["suspend_tenant", "resume_tenant"])
def test_failures_exit_non_zero_through_manage_py(command):
    result = manage_py(command, "nosuchtenant")
    assert result.returncode != 0
    assert "list_tenants" in result.stderr
