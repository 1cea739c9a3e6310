"""Tenant isolation through the API, attacked the way a malicious member of another tenant would.

Every tenant-scoped endpoint is tried with another tenant's ids for retrieve, update and delete,
with a foreign key to another tenant's object, with a forged tenant, and without a tenant.
The contract's answer to another tenant's object is 404 (a 403 would confirm it exists).
The endpoints are those tests/endpoints.py finds in the URL configuration, the e2e attacks'
too: a new tenant-scoped ViewSet is attacked here as soon as it is routed.
"""

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.forms.models import model_to_dict
from django.test import override_settings
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.tenancy.isolation import tenant_context

from .endpoints import ACTION_IDS, ACTIONS, ENDPOINTS, ENDPOINTS_WITH_PARENTS, UNCOVERED
from .support import PASSWORD, routing_headers, token_for

# The endpoints whose model the admin offers: the admin is scoped to the request's tenant too.
IN_ADMIN = [endpoint for endpoint in ENDPOINTS if admin.site.is_registered(apps.get_model(endpoint.model))]


def test_every_tenant_scoped_route_is_attacked():
    """A route that only the tenant URLConf serves and that no attack below sends is a hole in the proof."""
    assert ENDPOINTS, "no tenant-scoped endpoint found under /api/v1/: the isolation attacks would prove nothing"
    assert not UNCOVERED, (
        "tenant-scoped route(s) that no isolation attack covers:\n"
        + "\n".join(f"  {path}: {why}" for path, why in sorted(UNCOVERED.items()))
        + "\nServe it with a ModelViewSet, or declare what is missing in tests/endpoint_overrides.py."
    )


def stored(tenant, endpoint, pk):
    """The object as the database holds it, read inside its own tenant (None if it is gone)."""
    with tenant_context(tenant):
        found = apps.get_model(endpoint.model).objects.filter(pk=pk).first()
        return model_to_dict(found) if found else None


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_list_shows_only_the_tenants_own_rows(api, acme, data, endpoint):
    response = api("acme", acme.owner).get(endpoint.path)
    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["results"]]
    assert ids == [data["acme"][endpoint.name]]
    assert b"globex-secret" not in response.content


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_retrieve_of_another_tenants_object_is_404(api, acme, data, endpoint):
    response = api("acme", acme.owner).get(endpoint.detail(data["globex"][endpoint.name]))
    assert response.status_code == 404
    assert b"globex" not in response.content


@pytest.mark.parametrize("method", ["put", "patch"])
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_update_of_another_tenants_object_is_404_and_changes_nothing(api, acme, globex, data, endpoint, method):
    target = data["globex"][endpoint.name]
    before = stored(globex.tenant, endpoint, target)
    body = endpoint.body("acme", data["acme"], label="overwritten")
    response = getattr(api("acme", acme.owner), method)(endpoint.detail(target), body, format="json")
    assert response.status_code == 404
    assert stored(globex.tenant, endpoint, target) == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_delete_of_another_tenants_object_is_404_and_deletes_nothing(api, acme, globex, data, endpoint):
    target = data["globex"][endpoint.name]
    response = api("acme", acme.owner).delete(endpoint.detail(target))
    assert response.status_code == 404
    assert stored(globex.tenant, endpoint, target) is not None


@pytest.mark.parametrize(("endpoint", "action"), ACTIONS, ids=ACTION_IDS)
def test_action_on_another_tenants_object_is_404_and_changes_nothing(api, acme, globex, data, endpoint, action):
    target = data["globex"][endpoint.name]
    before = stored(globex.tenant, endpoint, target)
    response = api("acme", acme.owner).generic(endpoint.actions[action], endpoint.action(target, action))
    assert response.status_code == 404, response.content
    assert b"globex" not in response.content
    assert stored(globex.tenant, endpoint, target) == before


@pytest.mark.parametrize(("endpoint", "action"), ACTIONS, ids=ACTION_IDS)
def test_action_on_own_object_is_accepted(api, acme, data, endpoint, action):
    """The control: the 404 above comes from isolation, not from a broken action."""
    target = endpoint.action(data["acme"][endpoint.name], action)
    response = api("acme", acme.owner).generic(endpoint.actions[action], target)
    assert 200 <= response.status_code < 300, response.content


@pytest.mark.parametrize("method", ["post", "put", "patch"])
@pytest.mark.parametrize("endpoint", ENDPOINTS_WITH_PARENTS, ids=str)
def test_foreign_key_to_another_tenants_object_is_400(api, acme, globex, data, endpoint, method):
    client = api("acme", acme.owner)
    for field, parent in endpoint.parents.items():
        body = endpoint.body("smuggled", {**data["acme"], parent: data["globex"][parent]})
        if method == "post":
            response = client.post(endpoint.path, body, format="json")
        else:
            response = getattr(client, method)(endpoint.detail(data["acme"][endpoint.name]), body, format="json")
        assert response.status_code == 400
        assert field in response.json()
    for tenant in (acme.tenant, globex.tenant):
        with tenant_context(tenant):
            rows = apps.get_model(endpoint.model).objects.values()
            assert not [row for row in rows if "smuggled" in str(row)]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_member_of_another_tenant_is_403_on_every_verb(api, globex, data, endpoint, method):
    """globex's owner, with a valid token, forges the tenant acme (host or header)."""
    client = api("acme", globex.owner)
    url = endpoint.path if method in ("get", "post") else endpoint.detail(data["acme"][endpoint.name])
    response = getattr(client, method)(url, endpoint.body("forged", data["acme"]), format="json")
    assert response.status_code == 403
    assert b"acme-secret" not in response.content


@pytest.mark.parametrize(("endpoint", "action"), ACTIONS, ids=ACTION_IDS)
def test_member_of_another_tenant_is_403_on_every_action(api, globex, data, endpoint, action):
    response = api("acme", globex.owner).generic(
        endpoint.actions[action], endpoint.action(data["acme"][endpoint.name], action)
    )
    assert response.status_code == 403
    assert b"acme-secret" not in response.content


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_user_with_no_membership_is_403(api, data, django_user_model, endpoint):
    outsider = django_user_model.objects.get(email="outsider@example.test")
    assert api("acme", outsider).get(endpoint.path).status_code == 403


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_no_credentials_is_401(api, data, endpoint):
    response = api("acme").get(endpoint.path)
    assert response.status_code == 401
    assert b"acme-secret" not in response.content


@pytest.mark.parametrize("token", ["0" * 40, "not-a-token"])
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_tampered_token_is_401(api, data, endpoint, token):
    client = api("acme")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(endpoint.path).status_code == 401


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_unknown_tenant_is_404(api, acme, data, endpoint):
    response = api("nosuchtenant", acme.owner).get(endpoint.path)
    assert response.status_code == 404
    assert b"secret" not in response.content


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_tenant_scoped_path_without_a_tenant(acme, data, endpoint):
    """Header routing: no X-Tenant-ID is 400. Subdomain routing: the bare base domain is 404."""
    client = APIClient(HTTP_HOST=settings.BASE_DOMAIN)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(acme.owner)}")
    response = client.get(endpoint.path)
    assert response.status_code == (400 if settings.TENANT_ROUTING == "header" else 404)
    assert b"secret" not in response.content


def how_to_name_a_tenant(routing):
    """What a tenant error must tell the client, per routing (a runtime setting)."""
    if routing == "header":
        return f"send the {settings.TENANT_HEADER} header with its slug ({settings.TENANT_HEADER}: <slug>)"
    return f"send the request to the tenant's host, <slug>.{settings.BASE_DOMAIN}"


@pytest.mark.parametrize("routing", ["subdomain", "header"])
def test_an_unknown_tenant_is_404_saying_how_to_name_one(acme, routing):
    if routing == "header":
        names = {"HTTP_HOST": settings.BASE_DOMAIN, "HTTP_X_TENANT_ID": "nosuchtenant"}
    else:
        names = {"HTTP_HOST": f"nosuchtenant.{settings.BASE_DOMAIN}"}
    client = APIClient(**names)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(acme.owner)}")
    with override_settings(TENANT_ROUTING=routing):
        response = client.get("/api/v1/projects/")
    assert response.status_code == 404
    detail = response.json()["detail"]
    assert detail.startswith("Unknown tenant."), detail
    assert how_to_name_a_tenant(routing) in detail, detail


@pytest.mark.parametrize("routing", ["subdomain", "header"])
def test_a_tenant_scoped_path_naming_no_tenant_says_how_to_name_one(acme, routing):
    client = APIClient(HTTP_HOST=settings.BASE_DOMAIN)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(acme.owner)}")
    with override_settings(TENANT_ROUTING=routing):
        response = client.get("/api/v1/projects/")
    assert response.status_code == (400 if routing == "header" else 404)
    detail = response.json()["detail"]
    assert detail.startswith("This path is tenant-scoped and the request names no tenant."), detail
    assert how_to_name_a_tenant(routing) in detail, detail


def test_same_name_in_two_tenants_is_allowed_but_not_twice_in_one(api, acme, globex, data):
    assert api("acme", acme.owner).post("/api/v1/projects/", {"name": "Roadmap"}, format="json").status_code == 201
    assert api("globex", globex.owner).post("/api/v1/projects/", {"name": "Roadmap"}, format="json").status_code == 201
    assert api("acme", acme.owner).post("/api/v1/projects/", {"name": "Roadmap"}, format="json").status_code == 400


def test_owner_has_full_crud_in_own_tenant(api, acme, data):
    client = api("acme", acme.owner)
    project = client.post("/api/v1/projects/", {"name": "Launch"}, format="json").json()
    task = client.post("/api/v1/tasks/", {"project": project["id"], "title": "Ship it"}, format="json")
    assert task.status_code == 201
    assert task.json() == {"id": task.json()["id"], "project": project["id"], "title": "Ship it", "done": False}
    task_url = f"/api/v1/tasks/{task.json()['id']}/"
    assert client.patch(task_url, {"done": True}, format="json").json()["done"] is True
    assert client.delete(task_url).status_code == 204
    assert client.get(task_url).status_code == 404


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_alternating_tenants_on_one_connection_never_leak(api, acme, globex, data, endpoint):
    """The test client reuses one database connection: each request must see only its tenant."""
    clients = {"acme": api("acme", acme.owner), "globex": api("globex", globex.owner)}
    for _ in range(5):
        for slug, other in (("acme", "globex"), ("globex", "acme")):
            response = clients[slug].get(endpoint.path)
            assert response.status_code == 200
            assert f"{slug}-secret".encode() in response.content
            assert f"{other}-secret".encode() not in response.content


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_response_names_its_tenant(api, acme, data, endpoint):
    response = api("acme", acme.owner).get(endpoint.path)
    assert response[settings.TENANT_HEADER] == "acme"


def admin_path(endpoint, pk=None):
    """The admin's list of ``endpoint``'s model, or the change page of its object ``pk``."""
    app_label, _, _model = endpoint.model.partition(".")
    path = f"/admin/{app_label}/{endpoint.model_name}/"
    return path if pk is None else f"{path}{pk}/change/"


@pytest.mark.parametrize("endpoint", IN_ADMIN, ids=str)
def test_admin_is_open_to_the_owner_and_shows_only_own_rows(client, acme, data, endpoint):
    client.force_login(acme.owner)
    response = client.get(admin_path(endpoint), **routing_headers("acme"))
    assert response.status_code == 200
    assert admin_path(endpoint, data["acme"][endpoint.name]).encode() in response.content
    assert admin_path(endpoint, data["globex"][endpoint.name]).encode() not in response.content
    assert b"globex-secret" not in response.content


@pytest.mark.parametrize("endpoint", IN_ADMIN, ids=str)
def test_admin_refuses_a_member_of_another_tenant_with_403(client, globex, data, endpoint):
    client.force_login(globex.owner)
    for path in ("/admin/", admin_path(endpoint), admin_path(endpoint, data["acme"][endpoint.name])):
        assert client.get(path, **routing_headers("acme")).status_code == 403


@pytest.mark.parametrize("endpoint", IN_ADMIN, ids=str)
def test_admin_change_page_of_another_tenants_object_is_not_shown(client, acme, data, endpoint):
    client.force_login(acme.owner)
    response = client.get(admin_path(endpoint, data["globex"][endpoint.name]), **routing_headers("acme"))
    assert response.status_code in (302, 404)
    assert b"globex-secret" not in response.content


def test_admin_login_refuses_a_member_of_another_tenant(client, globex):
    response = client.post(
        "/admin/login/", {"username": globex.owner.email, "password": PASSWORD}, **routing_headers("acme")
    )
    assert response.status_code == 200
    assert b"does not administer this tenant" in response.content


def test_cache_entries_are_per_tenant(acme, globex):
    from django.core.cache import cache

    with tenant_context(acme.tenant):
        cache.set("greeting", "acme-secret")
    with tenant_context(globex.tenant):
        assert cache.get("greeting") is None
    with tenant_context(acme.tenant):
        assert cache.get("greeting") == "acme-secret"


def test_uploaded_files_are_per_tenant(acme, globex, media_root):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    with tenant_context(acme.tenant):
        name = default_storage.save("report.txt", ContentFile(b"acme-secret"))
        assert default_storage.exists(name)
    with tenant_context(globex.tenant):
        assert not default_storage.exists(name)
    assert (media_root / "acme" / name).read_bytes() == b"acme-secret"
