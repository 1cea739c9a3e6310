"""Workspaces: POST /api/v1/tenants/ creates a tenant its caller owns, served from the next
request; DELETE /api/v1/tenant/ is delete_tenant, for the tenant's owners only."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.tenancy.erasure import Check
from {{ cookiecutter.project_slug }}.tenancy.models import Domain, Membership, Tenant

from .support import PASSWORD, assert_throttled, routing_headers, throttle_rates, token_for

TENANTS = "/api/v1/tenants/"
TENANT = "/api/v1/tenant/"


@pytest.fixture
def founder(db):
    """A signed-up user who belongs to no tenant yet."""
    return get_user_model().objects.create_user(email="founder@example.test", password=PASSWORD)


def signed_in(user, slug=None, token=None):
    """A client with ``user``'s token (a new one unless ``token``), naming tenant ``slug`` or none."""
    client = APIClient(**(routing_headers(slug) if slug else {"HTTP_HOST": settings.BASE_DOMAIN}))
    client.credentials(HTTP_AUTHORIZATION=f"Token {token or token_for(user)}")
    return client


def create(user, slug="initech", name="Initech", token=None):
    return signed_in(user, token=token).post(TENANTS, {"slug": slug, "name": name}, format="json")


def test_a_workspace_is_created_owned_and_served_at_once(founder):
    token = token_for(founder)
    response = create(founder, token=token)
    assert response.status_code == 201, response.content
    assert response.json() == {"slug": "initech", "name": "Initech", "role": "owner"}
    tenant = Tenant.objects.get(slug="initech")
    assert Membership.objects.get(tenant=tenant).user == founder
    # Routed as create_tenant routes it: its own host under subdomain routing, its slug otherwise.
    expected_domains = [f"initech.{settings.BASE_DOMAIN}"] if settings.TENANT_ROUTING == "subdomain" else []
    assert list(Domain.objects.filter(tenant=tenant).values_list("domain", flat=True)) == expected_domains
    # The same token, on the next request, through the project's routing.
    client = signed_in(founder, "initech", token=token)
    assert client.get("/api/v1/projects/").status_code == 200
    assert client.post("/api/v1/projects/", {"name": "First"}, format="json").status_code == 201
    me = signed_in(founder, token=token).get("/api/v1/auth/me/").json()
    assert me["memberships"] == [{"tenant": "initech", "name": "Initech", "role": "owner", "state": "active"}]


def test_a_workspace_made_from_a_tenants_host_or_header_is_made_and_served_too(founder, acme):
    """The path is public, so it also answers where a tenant is named: the new tenant is made
    outside that tenant, and the tenant named stays as it was."""
    token = token_for(founder)
    response = signed_in(founder, "acme", token=token).post(
        TENANTS, {"slug": "initech", "name": "Initech"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert signed_in(founder, "initech", token=token).get("/api/v1/projects/").status_code == 200
    assert signed_in(founder, "acme", token=token).get("/api/v1/projects/").status_code == 403


def test_a_workspace_is_served_at_once_even_after_its_slug_was_asked_for(founder):
    """A request naming the slug before it exists is a 404 this process remembers; the creation clears it."""
    token = token_for(founder)
    assert signed_in(founder, "initech", token=token).get("/api/v1/projects/").status_code == 404
    assert create(founder, token=token).status_code == 201
    assert signed_in(founder, "initech", token=token).get("/api/v1/projects/").status_code == 200


@pytest.mark.parametrize(
    ("slug", "says"),
    [
        ("Not A Slug", "Invalid tenant slug"),
        ("a", "Invalid tenant slug"),
        ("x" * 41, "Invalid tenant slug"),
        ("acme--corp", "Invalid tenant slug"),
        ("public", "reserved"),
        ("www", "reserved"),
        ("admin", "reserved"),
        ("acme", "already taken"),
    ],
)
def test_a_bad_reserved_or_taken_slug_is_400_naming_the_field(founder, acme, slug, says):
    before = Tenant.objects.count()
    response = create(founder, slug=slug)
    assert response.status_code == 400, response.content
    body = response.json()
    assert says in body["slug"][0], body
    assert body["detail"].startswith("slug: "), body
    assert Tenant.objects.count() == before
    assert not Membership.objects.filter(user=founder).exists()


def test_missing_fields_are_400_each_listed(founder):
    response = signed_in(founder).post(TENANTS, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "slug", "name"}


def test_a_domain_already_routing_elsewhere_is_400(founder, acme):
    """create_tenant's other rule: the workspace's host must not route to another tenant."""
    Domain.objects.create(domain=f"initech.{settings.BASE_DOMAIN}", tenant=acme.tenant, is_primary=False)
    response = create(founder)
    if settings.TENANT_ROUTING == "subdomain":
        assert response.status_code == 400
        assert "already routes to another tenant" in response.json()["slug"][0]
        assert not Tenant.objects.filter(slug="initech").exists()
    else:  # header routing gives a workspace no host
        assert response.status_code == 201


def test_no_credentials_is_401(db):
    response = APIClient(HTTP_HOST=settings.BASE_DOMAIN).post(TENANTS, {"slug": "initech", "name": "I"}, format="json")
    assert response.status_code == 401
    assert not Tenant.objects.filter(slug="initech").exists()


def test_a_user_owns_at_most_tenants_per_user(founder, settings):
    settings.TENANTS_PER_USER = 2
    token = token_for(founder)
    assert create(founder, "first", token=token).status_code == 201
    assert create(founder, "second", token=token).status_code == 201
    response = create(founder, "third", token=token)
    assert response.status_code == 403
    assert "You already own 2 workspaces" in response.json()["detail"]
    assert not Tenant.objects.filter(slug="third").exists()


def test_the_limit_counts_owned_workspaces_only(founder, acme, settings):
    """Being an admin or member elsewhere takes none of the user's own allowance."""
    settings.TENANTS_PER_USER = 1
    Membership.objects.create(user=founder, tenant=acme.tenant, role=Membership.Role.ADMIN)
    assert create(founder).status_code == 201
    assert create(founder, "second").status_code == 403


def test_creations_are_throttled_per_user(founder):
    token = token_for(founder)
    with throttle_rates(tenant_create="2/min"):
        assert create(founder, "not-a-slug-", token=token).status_code == 400  # a refused attempt counts too
        assert create(founder, "first", token=token).status_code == 201
        assert_throttled(create(founder, "second", token=token))
    assert not Tenant.objects.filter(slug="second").exists()


# --- DELETE /api/v1/tenant/ -------------------------------------------------------------------


def test_an_owner_deletes_the_tenant_with_all_its_data(founder):
    token = token_for(founder)
    assert create(founder, token=token).status_code == 201
    client = signed_in(founder, "initech", token=token)
    assert client.post("/api/v1/projects/", {"name": "Doomed"}, format="json").status_code == 201
    tenant = Tenant.objects.get(slug="initech")
    response = client.delete(TENANT, {"confirm": "initech"}, format="json")
    assert response.status_code == 204, response.content
    assert not Tenant.objects.filter(pk=tenant.pk).exists()
    assert not Membership.objects.filter(tenant_id=tenant.pk).exists()
    assert not Domain.objects.filter(tenant_id=tenant.pk).exists()
    # The next request with the same token names a tenant that no longer exists.
    assert client.get("/api/v1/projects/").status_code == 404
    assert signed_in(founder, token=token).get("/api/v1/auth/me/").json()["memberships"] == []


@pytest.mark.parametrize("body", [{"confirm": "globex"}, {"confirm": "ACME"}, {"confirm": ""}, {}])
def test_a_wrong_confirmation_is_400_and_deletes_nothing(api, acme, body):
    response = api("acme", acme.owner).delete(TENANT, body, format="json")
    assert response.status_code == 400
    assert "confirm" in response.json()
    assert Tenant.objects.filter(slug="acme").exists()


@pytest.mark.parametrize("role", ["admin", "member"])
def test_only_an_owner_deletes_the_tenant(api, acme, role):
    user = get_user_model().objects.create_user(email=f"{role}@acme.test", password=PASSWORD)
    Membership.objects.create(user=user, tenant=acme.tenant, role=role)
    response = api("acme", user).delete(TENANT, {"confirm": "acme"}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "Only an owner of this tenant can do this."
    assert Tenant.objects.filter(slug="acme").exists()


def test_the_owner_of_another_tenant_cannot_delete_it(api, acme, globex):
    """globex's owner names acme (host or header) and confirms with its slug: refused, like any non-member."""
    response = api("acme", globex.owner).delete(TENANT, {"confirm": "acme"}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "You are not a member of this tenant."
    assert Tenant.objects.filter(slug="acme").exists()


def test_deleting_without_credentials_is_401(api, acme):
    assert api("acme").delete(TENANT, {"confirm": "acme"}, format="json").status_code == 401
    assert Tenant.objects.filter(slug="acme").exists()


def test_a_deletion_that_leaves_data_behind_says_so(founder, monkeypatch, caplog):
    """The check after the deletion is the command's; what it finds is logged, not reported as done."""
    token = token_for(founder)
    assert create(founder, token=token).status_code == 201
    left = [Check("media folder /somewhere", ["1 file(s): report.pdf"])]
    monkeypatch.setattr("{{ cookiecutter.project_slug }}.teams.workspaces.verify_erased", lambda trace: left)
    response = signed_in(founder, "initech", token=token).delete(TENANT, {"confirm": "initech"}, format="json")
    assert response.status_code == 500
    assert "some of its data left" in response.json()["detail"]
    assert "report.pdf" not in response.json()["detail"]
    assert "report.pdf" in caplog.text
