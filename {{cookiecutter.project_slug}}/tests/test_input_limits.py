"""No input gives a 5xx: page sizes are capped, out-of-range numbers and too deep JSON are 400,
a body over the size limit is 413, and every error under /api/ is JSON with a ``detail``."""

import json

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import RequestFactory, override_settings
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.api.errors import server_error
from {{ cookiecutter.project_slug }}.projects.models import Project
from {{ cookiecutter.project_slug }}.tenancy.isolation import tenant_context

from .support import COMMAND_ONLY_VARIABLES, manage_py, routing_headers

HUGE = "99999999999999999999"


def post_raw(client, path, body):
    return client.generic("POST", path, body, content_type="application/json")


def assert_json_error(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return response.json()


@pytest.mark.parametrize(
    "query", [f"limit={HUGE}", f"offset={HUGE}", "limit=-1", "limit=0", "offset=1e3", "limit=%EF%BC%91"]
)
def test_out_of_range_or_malformed_paging_is_400(api, acme, query):
    body = assert_json_error(api("acme", acme.owner).get(f"/api/v1/projects/?{query}"), 400)
    assert "detail" in body


def test_paging_says_the_range_it_accepts(api, acme):
    client = api("acme", acme.owner)
    limit = assert_json_error(client.get("/api/v1/projects/?limit=0"), 400)
    assert limit["detail"].startswith("limit must be a whole number from 1 to "), limit
    offset = assert_json_error(client.get("/api/v1/projects/?offset=-1"), 400)
    assert offset["detail"].startswith("offset must be a whole number from 0 to "), offset
    assert client.get("/api/v1/projects/?limit=1&offset=0").status_code == 200


def test_page_size_is_capped(api, acme):
    with tenant_context(acme.tenant):
        Project.objects.bulk_create(Project(name=f"p{i}") for i in range(5))
    with override_settings(MAX_PAGE_SIZE=3):
        response = api("acme", acme.owner).get("/api/v1/projects/?limit=1000000")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 3


def test_an_id_out_of_range_in_the_path_is_404(api, acme):
    assert_json_error(api("acme", acme.owner).get(f"/api/v1/projects/{HUGE}/"), 404)


@pytest.mark.parametrize("value", ["1e999", "-1e999", HUGE, "-1", '"x"', "true", "[1]", "{}"])
def test_a_foreign_key_out_of_range_or_of_the_wrong_type_is_400(api, acme, data, value):
    body = '{"project": ' + value + ', "title": "t"}'
    assert_json_error(post_raw(api("acme", acme.owner), "/api/v1/tasks/", body), 400)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_standard_json_constants_are_400(api, acme, constant):
    assert_json_error(post_raw(api("acme", acme.owner), "/api/v1/projects/", '{"name": ' + constant + "}"), 400)


@pytest.mark.parametrize("depth", [40, 100_000])
def test_too_deep_json_is_400(api, acme, depth):
    body = "[" * depth + "]" * depth
    assert_json_error(post_raw(api("acme", acme.owner), "/api/v1/projects/", body), 400)


def test_malformed_json_is_400(api, acme):
    assert_json_error(post_raw(api("acme", acme.owner), "/api/v1/projects/", '{"name": '), 400)


def test_a_body_larger_than_the_upload_limit_is_413_naming_the_limit(api, acme):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    body = json.dumps({"name": "x" * (limit + 1)})
    answer = assert_json_error(post_raw(api("acme", acme.owner), "/api/v1/projects/", body), 413)
    assert f"limit of {limit} bytes (DATA_UPLOAD_MAX_MEMORY_SIZE)" in answer["detail"], answer


def test_the_413_follows_the_setting_on_every_operation_that_reads_a_body(api, acme, data):
    client = api("acme", acme.owner)
    body = json.dumps({"name": "x" * 100, "title": "x"})
    project = f"/api/v1/projects/{data['acme']['projects']}/"
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100):
        answers = {
            "sign-in": post_raw(APIClient(), "/api/v1/auth/token/", json.dumps({"email": "x" * 100, "password": ""})),
            "create": post_raw(client, "/api/v1/tasks/", body),
            "update": client.generic("PATCH", project, body, content_type="application/json"),
        }
        fits = post_raw(client, "/api/v1/projects/", json.dumps({"name": "fits"}))
    for name, response in answers.items():
        detail = assert_json_error(response, 413)["detail"]
        assert detail.endswith("limit of 100 bytes (DATA_UPLOAD_MAX_MEMORY_SIZE)."), (name, detail)
    assert fits.status_code == 201, fits.content


def test_a_sign_in_with_huge_or_odd_json_is_400(db):
    for body in ['{"email": 1e999, "password": "x"}', "[" * 5000 + "]" * 5000, '{"email": ["a"], "password": {}}']:
        assert_json_error(post_raw(APIClient(), "/api/v1/auth/token/", body), 400)


@pytest.mark.parametrize("path", ["/api/v1/nope/", "/api/v2/projects/", "/api/"])
def test_an_unknown_api_path_is_a_json_404(db, path):
    headers = routing_headers("acme")
    assert assert_json_error(APIClient(**headers).get(path), 404) == {"detail": "Not found."}


def test_an_unknown_path_outside_the_api_is_not_json(db):
    # A file name: no page of an app served at / either, whether or not one is built.
    response = APIClient(HTTP_HOST=settings.BASE_DOMAIN).get("/nope.txt")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("path", ["/api/v1/docs/", "/api/v1/schema/"])
@pytest.mark.parametrize("method", ["OPTIONS", "POST", "DELETE"])
def test_docs_answer_other_methods_with_a_json_405(db, path, method):
    response = APIClient(HTTP_HOST=settings.BASE_DOMAIN).generic(method, path)
    body = assert_json_error(response, 405)
    assert "detail" in body
    assert "GET" in response["Allow"]


def test_a_method_a_view_does_not_serve_is_a_json_405(api, acme, data):
    response = api("acme", acme.owner).put("/api/v1/projects/", {}, format="json")
    assert_json_error(response, 405)


def test_an_uncaught_error_under_the_api_is_a_json_500_and_a_database_failure_a_503(db):
    request = RequestFactory().get("/api/v1/projects/")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        response = server_error(request)
    assert response.status_code == 500
    assert json.loads(response.content) == {"detail": "A server error occurred."}
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "detail" in json.loads(response.content)


def test_readiness_names_the_failing_check_and_never_the_host_port_or_user(db):
    """A database that refuses connections: 503 naming "database"; the address goes to the log only."""
    script = (
        "import json; from django.test import Client; "
        "r = Client().get('/api/v1/ready/', HTTP_HOST='10.0.0.9'); "
        "print(json.dumps({'status': r.status_code, 'body': r.content.decode()}))"
    )
    result = manage_py(
        "shell",
        "-c",
        script,
        **dict.fromkeys(COMMAND_ONLY_VARIABLES, ""),
        DATABASE_URL="postgres://readiness_probe_user:secret@127.0.0.1:9/acme",
        DB_CONNECT_TIMEOUT="2",
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 503
    body = json.loads(answer["body"])
    assert list(body["failed"]) == ["database"]
    for secret in ("127.0.0.1", "readiness_probe_user", ":9", "port", "socket", "secret"):
        assert secret not in answer["body"]
    assert "127.0.0.1" in result.stderr  # the operator still finds the address, in the log
