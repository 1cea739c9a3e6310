"""The OpenAPI contract: committed, valid, and true to what the server answers.

A client is generated from openapi.yaml (the committed schema), so each test here is a way
the generated client would be wrong: a stale file, a missing tenant header, an undocumented
error, a request body that demands the read-only id.
"""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.urls import resolve
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.tenancy.middleware import is_tenant_scoped

from .endpoint_overrides import TESTED_ELSEWHERE
from .endpoints import ACTIONS, ENDPOINTS
from .support import PROJECT_DIR, routing_headers

COMMITTED = PROJECT_DIR / "openapi.yaml"
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The schema as `manage.py spectacular --validate --fail-on-warn` writes it now (it fails on any warning)."""
    path = Path(tmp_path_factory.mktemp("schema")) / "openapi.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return path.read_text()


@pytest.fixture(scope="module")
def schema(generated):
    return yaml.safe_load(generated)


def path_shape(path):
    """A path with each parameter as ``{}``: a route's ``<pk>`` and the schema's ``{id}`` alike."""
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", path)


def operations(schema):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def route(path):
    """The URLConf's route of a schema path, as tests/endpoints.py writes routes (TESTED_ELSEWHERE's keys)."""
    return "/" + re.sub(r"[\^$]", "", resolve(re.sub(r"\{[^}]+\}", "1", path)).route)


def test_the_committed_schema_is_the_codes_schema(generated):
    assert yaml.safe_load(COMMITTED.read_text()) == yaml.safe_load(generated), (
        "openapi.yaml differs from what the code documents: run `make schema` and commit what it rewrites."
    )
    assert COMMITTED.read_text() == generated, "openapi.yaml is not formatted as `make schema` writes it: run it."


def test_every_tenant_scoped_operation_names_its_tenant(schema):
    scoped = [(path, method, op) for path, method, op in operations(schema) if is_tenant_scoped(path)]
    # Every verb of each endpoint's ModelViewSet (list, create, retrieve, update, partial, destroy),
    # and its detail actions, and the routes tested elsewhere: the tenant-scoped API is exactly
    # what tests/endpoints.py and tests/endpoint_overrides.py list.
    elsewhere = {path_shape(path) for path in TESTED_ELSEWHERE}
    attacked = [(path, method) for path, method, _op in scoped if path_shape(path) not in elsewhere]
    assert len(attacked) == 6 * len(ENDPOINTS) + len(ACTIONS), [f"{method} {path}" for path, method in attacked]
    assert elsewhere <= {path_shape(path) for path, _method, _op in scoped}, elsewhere
    for path, method, operation in scoped:
        headers = [p for p in operation.get("parameters", []) if p["in"] == "header"]
        if settings.TENANT_ROUTING == "header":
            assert [(p["name"], p["required"]) for p in headers] == [(settings.TENANT_HEADER, True)], (
                f"{method} {path} does not require {settings.TENANT_HEADER}"
            )
        else:
            assert headers == [], f"{method} {path}: subdomain routing names the tenant by its host"


def test_the_first_server_is_the_one_serving_the_schema(schema):
    """Swagger UI's "Try it out" calls the first server: the origin the docs were opened on."""
    servers = schema["servers"]
    assert servers[0]["url"] == "/", servers
    if settings.TENANT_ROUTING == "subdomain":
        assert [server["url"] for server in servers] == ["/", "https://{tenant}.{base_domain}"]
        assert set(servers[1]["variables"]) == {"tenant", "base_domain"}
    else:
        assert len(servers) == 1, servers


def test_paging_parameters_document_the_values_the_server_accepts(schema, api, acme):
    listed = [(path, op) for path, method, op in operations(schema) if method == "get" and "{" not in path]
    paged = [(path, op) for path, op in listed if any(p["name"] == "limit" for p in op.get("parameters", []))]
    # Every endpoint's list, and lists served otherwise (the members of a tenant).
    assert {endpoint.path for endpoint in ENDPOINTS} <= {path for path, _op in paged}, [path for path, _op in listed]
    client = api("acme", acme.owner)
    for path, operation in paged:
        minimum = {p["name"]: p["schema"].get("minimum") for p in operation["parameters"] if p["in"] == "query"}
        assert (minimum["limit"], minimum["offset"]) == (1, 0), f"GET {path}: {minimum}"
        assert client.get(f"{path}?limit=1&offset=0").status_code == 200, path
        for below in ("limit=0", "offset=-1"):
            assert client.get(f"{path}?{below}").status_code == 400, f"GET {path}?{below}"


def test_every_operation_documents_the_errors_it_can_answer(schema):
    for path, method, operation in operations(schema):
        codes = set(operation["responses"])
        expected = set()
        if path not in ("/api/v1/health/", "/api/v1/ready/"):
            expected.add("404")  # an unknown tenant, on any path the tenant middleware sees
        if is_tenant_scoped(path):
            expected |= {"401", "403"}
            if settings.TENANT_ROUTING == "header":
                expected.add("400")
        if "requestBody" in operation:
            expected |= {"400", "413"}
        if path == "/api/v1/auth/me/":
            expected.add("401")
        assert expected <= codes, f"{method} {path} documents {sorted(codes)}, not {sorted(expected - codes)}"
        for code in codes - {"200", "201", "202", "204", "503"}:
            content = operation["responses"][code]["content"]["application/json"]["schema"]
            assert content == {"$ref": "#/components/schemas/Error"}, f"{method} {path} {code}"


def test_request_bodies_have_components_without_read_only_fields(schema):
    components = schema["components"]["schemas"]
    for name in ("ProjectRequest", "TaskRequest", "PatchedProjectRequest", "PatchedTaskRequest"):
        assert "id" not in components[name]["properties"], name
        assert "id" not in components[name].get("required", []), name
    assert components["Project"]["properties"]["id"]["readOnly"] is True
    create = schema["paths"]["/api/v1/projects/"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert create == {"$ref": "#/components/schemas/ProjectRequest"}


def test_an_error_schema_that_matches_a_real_body_is_required_detail(schema):
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["detail"]


def matches_error_schema(body):
    """True when ``body`` is what the Error schema allows: a string detail, fields with messages."""
    if not isinstance(body, dict) or not isinstance(body.get("detail"), str):
        return False
    fields = [value for key, value in body.items() if key != "detail"]
    return all(isinstance(v, str) or (isinstance(v, list) and all(isinstance(m, str) for m in v)) for v in fields)


def test_the_servers_error_bodies_match_the_error_schema(api, acme, globex, data):
    answers = {
        "401 no credentials": APIClient(**routing_headers("acme")).get("/api/v1/projects/"),
        "403 not a member": api("globex", acme.owner).get("/api/v1/projects/"),
        "404 another tenant's object": api("acme", acme.owner).get(f"/api/v1/projects/{data['globex']['projects']}/"),
        "404 unknown tenant": APIClient(**routing_headers("nosuchtenant")).get("/api/v1/projects/"),
        "400 field errors": api("acme", acme.owner).post("/api/v1/projects/", {"name": ""}, format="json"),
        "400 foreign key to another tenant": api("acme", acme.owner).post(
            "/api/v1/tasks/", {"project": data["globex"]["projects"], "title": "x"}, format="json"
        ),
        "400 bad credentials": APIClient().post(
            "/api/v1/auth/token/", {"email": acme.owner.email, "password": "wrong"}, format="json"
        ),
        "400 bad query parameter": api("acme", acme.owner).get("/api/v1/tasks/?project=abc"),
        "413 body over the size limit": api("acme", acme.owner).generic(
            "POST", "/api/v1/projects/", b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1), "application/json"
        ),
    }
    if settings.TENANT_ROUTING == "header":
        answers["400 no tenant header"] = APIClient(HTTP_HOST=settings.BASE_DOMAIN).get("/api/v1/projects/")
    else:
        answers["404 no tenant (base domain)"] = APIClient(HTTP_HOST=settings.BASE_DOMAIN).get("/api/v1/projects/")
    for name, response in answers.items():
        assert response.status_code == int(name[:3]), f"{name}: {response.status_code} {response.content[:300]}"
        assert matches_error_schema(response.json()), f"{name}: {response.content[:300]}"
    field_error = answers["400 field errors"].json()
    assert field_error["detail"].startswith("name: ") and field_error["name"], field_error
    assert answers["400 bad credentials"].json()["detail"] == "Unable to sign in with these credentials."


def test_the_error_schema_check_rejects_bodies_without_a_string_detail():
    assert not matches_error_schema({"name": ["This field is required."]})
    assert not matches_error_schema(["a message"])
    assert not matches_error_schema({"detail": ["a list"]})
    assert matches_error_schema({"detail": "name: required.", "name": ["required."]})


def test_the_docs_page_loads_only_the_projects_own_static_files(client, db):
    response = client.get("/api/v1/docs/", HTTP_HOST=settings.BASE_DOMAIN)
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    static = [url for url in urls if url.startswith(settings.STATIC_URL)]
    assert static, f"the docs page loads no static file: {urls}"
    assert set(urls) == set(static), f"the docs page loads files from elsewhere: {sorted(set(urls) - set(static))}"
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", html), "the docs page names another host"
    for url in static:
        assert client.get(url, HTTP_HOST=settings.BASE_DOMAIN).status_code == 200, url
