"""Abusive input on every tenant-scoped endpoint, through the running server: each is a JSON
4xx with a ``detail`` or field errors, never a 5xx (the session also fails on any 5xx in the
server's log). Then stolen-token hygiene: logout ends the token it is sent with."""

import http.client
import json

import pytest

from ..endpoints import ENDPOINTS, ENDPOINTS_WITH_PARENTS

pytestmark = pytest.mark.e2e

HUGE = "99999999999999999999"
QUERIES = {
    "limit-beyond-bigint": f"?limit={HUGE}",
    "offset-beyond-bigint": f"?offset={HUGE}",
    "negative-limit": "?limit=-5",
    "limit-not-a-number": "?limit=1e3",
}
BODIES = {
    "nested-100000-deep": "[" * 100_000 + "]" * 100_000,
    "nested-object-40-deep": '{"a":' * 40 + "1" + "}" * 40,
    "infinity-literal": '{"name": Infinity, "title": Infinity}',
    "truncated": '{"name": ',
    "not-an-object": "[1, 2, 3]",
}
FOREIGN_KEYS = {"1e999": "1e999", "beyond-bigint": HUGE, "negative": "-1", "list": "[1]", "object": "{}"}


def raw(deployment, method, path, headers, body=None):
    """One request with a raw body (no JSON encoding by the client): (status, content type, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", deployment.port, timeout=30)
    try:
        sent = {**headers, **({"Content-Type": "application/json"} if body is not None else {})}
        conn.request(method, path, body=body.encode() if body is not None else None, headers=sent)
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        conn.close()


@pytest.fixture
def owner_headers(deployment, token_of):
    tenant = deployment.tenants["acme"]
    return {**deployment.tenant_headers("acme"), "Authorization": f"Token {token_of(tenant.owner_email)}"}


def assert_json_4xx(answer, expected=None):
    status, content_type, body = answer
    assert 400 <= status < 500, (status, body[:300])
    if expected is not None:
        assert status == expected, (status, body[:300])
    assert content_type.startswith("application/json"), (content_type, body[:300])
    return json.loads(body)


@pytest.mark.parametrize("query", QUERIES.values(), ids=list(QUERIES))
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_paging_out_of_range_is_400(deployment, owner_headers, endpoint, query):
    assert "detail" in assert_json_4xx(raw(deployment, "GET", endpoint.path + query, owner_headers), 400)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_a_page_never_exceeds_the_maximum(deployment, owner_headers, endpoint):
    status, _type, body = raw(deployment, "GET", f"{endpoint.path}?limit=1000000", owner_headers)
    assert status == 200, body[:300]
    assert len(json.loads(body)["results"]) <= 200


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_an_id_beyond_bigint_is_404(deployment, owner_headers, endpoint):
    assert_json_4xx(raw(deployment, "GET", endpoint.detail(HUGE), owner_headers), 404)


@pytest.mark.parametrize("body", BODIES.values(), ids=list(BODIES))
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_malformed_or_abusive_json_is_400(deployment, owner_headers, endpoint, method, body):
    tenant = deployment.tenants["acme"]
    path = endpoint.path if method == "POST" else endpoint.detail(tenant.ids[endpoint.name])
    assert_json_4xx(raw(deployment, method, path, owner_headers, body), 400)


@pytest.mark.parametrize("value", FOREIGN_KEYS.values(), ids=list(FOREIGN_KEYS))
@pytest.mark.parametrize("endpoint", ENDPOINTS_WITH_PARENTS, ids=str)
def test_a_foreign_key_out_of_range_is_400(deployment, owner_headers, endpoint, value):
    tenant = deployment.tenants["acme"]
    fields = endpoint.body(tenant.marker, tenant.ids, label="attack")
    for field in endpoint.parents:
        body = json.dumps({key: val for key, val in fields.items() if key != field})[:-1] + f', "{field}": {value}}}'
        assert_json_4xx(raw(deployment, "POST", endpoint.path, owner_headers, body), 400)


@pytest.mark.parametrize("path", ["/api/v1/docs/", "/api/v1/schema/"])
@pytest.mark.parametrize("method", ["OPTIONS", "POST", "DELETE"])
def test_docs_without_credentials_refuse_other_methods_in_json(deployment, path, method):
    assert "detail" in assert_json_4xx(raw(deployment, method, path, {"Host": deployment.host()}), 405)


@pytest.mark.parametrize("path", ["/api/v1/nope/", "/api/v9/projects/", "/api/v1/projects/x/y/"])
def test_an_unknown_api_path_is_a_json_404(deployment, owner_headers, path):
    assert assert_json_4xx(raw(deployment, "GET", path, owner_headers), 404) == {"detail": "Not found."}


def test_a_logged_out_token_is_401_everywhere(deployment, obtain_token):
    """A stolen token stops working the moment its owner signs out; their other sessions go on."""
    tenant = deployment.tenants["acme"]
    kept, stolen = obtain_token(tenant.owner_email), obtain_token(tenant.owner_email)
    headers = deployment.tenant_headers("acme")
    signed = {**headers, "Authorization": f"Token {stolen}"}
    assert raw(deployment, "GET", ENDPOINTS[0].path, signed)[0] == 200
    assert raw(deployment, "POST", "/api/v1/auth/logout/", signed)[0] == 204
    for endpoint in ENDPOINTS:
        assert_json_4xx(raw(deployment, "GET", endpoint.path, signed), 401)
    assert raw(deployment, "GET", ENDPOINTS[0].path, {**headers, "Authorization": f"Token {kept}"})[0] == 200
