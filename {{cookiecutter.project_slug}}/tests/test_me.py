"""GET /api/v1/auth/me/: who the token belongs to, and the tenants it may open (a tenant picker)."""

from django.conf import settings
from rest_framework.test import APIClient

from .support import routing_headers, token_for


def signed_in(user, **headers):
    client = APIClient(**headers)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return client


def test_me_lists_the_users_own_memberships_only(acme, globex):
    response = signed_in(acme.owner, HTTP_HOST=settings.BASE_DOMAIN).get("/api/v1/auth/me/")
    assert response.status_code == 200
    assert response.json() == {
        "id": acme.owner.pk,
        "email": acme.owner.email,
        "memberships": [{"tenant": "acme", "name": "Acme", "role": "owner", "state": "active"}],
    }
    assert b"globex" not in response.content


def test_me_needs_no_tenant_and_is_the_same_on_another_tenants_host(acme, globex):
    answer = signed_in(acme.owner, **routing_headers("globex")).get("/api/v1/auth/me/")
    assert answer.status_code == 200
    assert [m["tenant"] for m in answer.json()["memberships"]] == ["acme"]


def test_me_without_credentials_is_401(db):
    response = APIClient(HTTP_HOST=settings.BASE_DOMAIN).get("/api/v1/auth/me/")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_me_names_an_unknown_tenant_404(acme):
    response = signed_in(acme.owner, **routing_headers("nosuchtenant")).get("/api/v1/auth/me/")
    assert response.status_code == 404


def test_the_project_filter_of_tasks_never_reaches_another_tenants_project(api, acme, data):
    client = api("acme", acme.owner)
    own = client.get(f"/api/v1/tasks/?project={data['acme']['projects']}")
    assert [task["id"] for task in own.json()["results"]] == [data["acme"]["tasks"]]
    foreign = client.get(f"/api/v1/tasks/?project={data['globex']['projects']}")
    assert foreign.status_code == 200
    assert foreign.json()["results"] == []
    assert b"globex" not in foreign.content
