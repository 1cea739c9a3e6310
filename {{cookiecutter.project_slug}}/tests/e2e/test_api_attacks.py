"""Attacks on every tenant-scoped endpoint (endpoints.ENDPOINTS, found in the URL configuration),
through the running server.

The attackers are real users with valid tokens, talking HTTP to gunicorn like any client.
Each case names what it proves; every answer is also checked for the markers of the tenants
the caller must not see (see support.ApiClient).
"""

import pytest
from django.conf import settings

from ..endpoints import ACTION_IDS, ACTIONS, ENDPOINTS, ENDPOINTS_WITH_PARENTS

pytestmark = pytest.mark.e2e

# Every verb of a DRF ModelViewSet: (HTTP method, on the object's URL rather than the list's).
VERBS = {
    "list": ("GET", False),
    "create": ("POST", False),
    "retrieve": ("GET", True),
    "update": ("PUT", True),
    "partial_update": ("PATCH", True),
    "destroy": ("DELETE", True),
}
DIRECTIONS = {"acme-attacks-globex": ("acme", "globex"), "globex-attacks-acme": ("globex", "acme")}
OUTSIDER = "outsider@e2e.test"
EXPIRING_MEMBER = "member@acme.test"


def send(client, verb, endpoint, target_ids, body):
    """Send ``verb`` to ``endpoint``, on the object ``target_ids`` names for the object verbs."""
    method, on_object = VERBS[verb]
    path = endpoint.detail(target_ids[endpoint.name]) if on_object else endpoint.path
    return client.request(method, path, body if method in ("POST", "PUT", "PATCH") else None)


@pytest.fixture(params=list(DIRECTIONS.values()), ids=list(DIRECTIONS))
def sides(request, deployment):
    """(attacker's tenant, victim's tenant)."""
    attacker, victim = request.param
    return deployment.tenants[attacker], deployment.tenants[victim]


@pytest.fixture
def attacker(sides, api):
    """The attacker's owner, in the attacker's own tenant: a legitimate, fully privileged member."""
    tenant, _victim = sides
    return api(tenant.slug, tenant.owner_email)


@pytest.fixture
def victim(sides, api):
    """The victim's owner, to check that an attack changed nothing."""
    _attacker, tenant = sides
    return api(tenant.slug, tenant.owner_email)


def assert_unchanged(victim, victim_tenant, endpoint):
    answer = victim.get(endpoint.detail(victim_tenant.ids[endpoint.name]))
    assert answer.status == 200, answer.body
    assert victim_tenant.marker.encode() in answer.body
    assert b"attack" not in answer.body


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_list_holds_own_objects_and_none_of_the_other_tenants(sides, attacker, endpoint):
    """The list is scoped: the attacker's seeded object is there, the victim's is not."""
    own, other = sides
    answer = attacker.get(f"{endpoint.path}?limit=1000")
    assert answer.status == 200, answer.body
    ids = {row["id"] for row in answer.json()["results"]}
    assert own.ids[endpoint.name] in ids
    assert other.ids[endpoint.name] not in ids


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_another_tenants_object_by_id_is_404(sides, attacker, endpoint):
    """404, never 403: a 403 would confirm that the id exists in another tenant."""
    _own, other = sides
    answer = attacker.get(endpoint.detail(other.ids[endpoint.name]))
    assert answer.status == 404, answer.body


@pytest.mark.parametrize("verb", ["update", "partial_update"])
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_update_of_another_tenants_object_is_404_and_changes_nothing(sides, attacker, victim, endpoint, verb):
    own, other = sides
    body = endpoint.body(own.marker, own.ids, label="attack")
    answer = send(attacker, verb, endpoint, other.ids, body)
    assert answer.status == 404, answer.body
    assert_unchanged(victim, other, endpoint)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_delete_of_another_tenants_object_is_404_and_deletes_nothing(sides, attacker, victim, endpoint):
    _own, other = sides
    answer = attacker.delete(endpoint.detail(other.ids[endpoint.name]))
    assert answer.status == 404, answer.body
    assert_unchanged(victim, other, endpoint)


@pytest.mark.parametrize(("endpoint", "action"), ACTIONS, ids=ACTION_IDS)
def test_action_on_another_tenants_object_is_404_and_changes_nothing(sides, attacker, victim, endpoint, action):
    """A detail action (POST .../<id>/<action>/) finds objects as retrieve does: 404 for another tenant's."""
    _own, other = sides
    answer = attacker.request(endpoint.actions[action], endpoint.action(other.ids[endpoint.name], action))
    assert answer.status == 404, answer.body
    assert_unchanged(victim, other, endpoint)


@pytest.mark.parametrize(("endpoint", "action"), ACTIONS, ids=ACTION_IDS)
@pytest.mark.parametrize("intruder", ["other-tenants-owner", "user-with-no-tenant", "no-credentials"])
def test_action_for_a_non_member_is_refused(deployment, api, intruder, endpoint, action):
    victim_tenant = deployment.tenants["acme"]
    user, expected = {
        "other-tenants-owner": (deployment.tenants["globex"].owner_email, 403),
        "user-with-no-tenant": (OUTSIDER, 403),
        "no-credentials": (None, 401),
    }[intruder]
    target = endpoint.action(victim_tenant.ids[endpoint.name], action)
    answer = api("acme", user).request(endpoint.actions[action], target)
    assert answer.status == expected, answer.body
    assert_unchanged(api("acme", victim_tenant.owner_email), victim_tenant, endpoint)


@pytest.mark.parametrize(("endpoint", "action"), ACTIONS, ids=ACTION_IDS)
def test_action_on_own_object_is_accepted(deployment, api, endpoint, action):
    """The control: the refusals above come from isolation, not from a broken action."""
    tenant = deployment.tenants["acme"]
    answer = api("acme", tenant.owner_email).request(
        endpoint.actions[action], endpoint.action(tenant.ids[endpoint.name], action)
    )
    assert 200 <= answer.status < 300, answer.body


@pytest.mark.parametrize("verb", ["create", "update", "partial_update"])
@pytest.mark.parametrize("endpoint", ENDPOINTS_WITH_PARENTS, ids=str)
def test_foreign_key_to_another_tenants_object_is_400(sides, attacker, victim, endpoint, verb):
    """A valid object of the attacker's that points at the victim's object is refused, on every write."""
    own, other = sides
    for field, parent in endpoint.parents.items():
        body = endpoint.body(own.marker, {**own.ids, parent: other.ids[parent]}, label="attack")
        answer = send(attacker, verb, endpoint, own.ids, body)
        assert answer.status == 400, answer.body
        assert field in answer.json(), answer.body
    own_list = attacker.get(f"{endpoint.path}?limit=1000")
    assert b"attack" not in own_list.body
    assert_unchanged(victim, other, endpoint)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_own_objects_have_full_crud(deployment, api, endpoint):
    """The control: the same requests on the caller's own objects succeed, so the 404s above
    come from isolation and not from a broken endpoint."""
    tenant = deployment.tenants["acme"]
    client = api("acme", tenant.owner_email)
    created = client.post(endpoint.path, endpoint.body(tenant.marker, tenant.ids, label="control"))
    assert created.status == 201, created.body
    path = endpoint.detail(created.json()["id"])
    assert client.get(path).status == 200
    assert client.put(path, endpoint.body(tenant.marker, tenant.ids, label="control-put")).status == 200
    assert client.patch(path, endpoint.body(tenant.marker, tenant.ids, label="control-patch")).status == 200
    assert client.delete(path).status == 204
    assert client.get(path).status == 404


@pytest.mark.parametrize("verb", VERBS)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
@pytest.mark.parametrize("intruder", ["other-tenants-owner", "user-with-no-tenant"])
@pytest.mark.parametrize("target", ["acme", "globex"])
def test_forged_tenant_for_a_non_member_is_403(deployment, api, target, intruder, endpoint, verb):
    """A valid token naming a tenant (by host or header) its user does not belong to."""
    victim_tenant = deployment.tenants[target]
    if intruder == "user-with-no-tenant":
        user = OUTSIDER
    else:
        user = next(each.owner_email for slug, each in deployment.tenants.items() if slug != target)
    body = endpoint.body("intruder", victim_tenant.ids, label="attack")
    answer = send(api(target, user), verb, endpoint, victim_tenant.ids, body)
    assert answer.status == 403, answer.body
    assert_unchanged(api(target, victim_tenant.owner_email), victim_tenant, endpoint)


@pytest.mark.parametrize("verb", VERBS)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_request_that_names_no_tenant_is_refused(deployment, api, endpoint, verb):
    """A valid token but no tenant: header routing 400 (no X-Tenant-ID), subdomain routing 404
    (the bare base domain has no tenant-scoped path). Never a default tenant."""
    tenant = deployment.tenants["acme"]
    answer = send(api(None, tenant.owner_email), verb, endpoint, tenant.ids, endpoint.body("x", tenant.ids))
    assert answer.status == (400 if settings.TENANT_ROUTING == "header" else 404), answer.body


@pytest.mark.parametrize("verb", VERBS)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_unknown_tenant_is_404(deployment, api, endpoint, verb):
    tenant = deployment.tenants["acme"]
    answer = send(api("nosuchtenant", tenant.owner_email), verb, endpoint, tenant.ids, endpoint.body("x", tenant.ids))
    assert answer.status == 404, answer.body


@pytest.mark.parametrize("verb", VERBS)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_no_credentials_is_401(deployment, api, endpoint, verb):
    """401 with a WWW-Authenticate challenge, before anything about the tenant's data is said."""
    tenant = deployment.tenants["acme"]
    answer = send(api("acme"), verb, endpoint, tenant.ids, endpoint.body("x", tenant.ids))
    assert answer.status == 401, answer.body
    assert answer.headers.get("www-authenticate") == "Token"


@pytest.mark.parametrize("verb", VERBS)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
@pytest.mark.parametrize("tampering", ["one-character-changed", "made-up"])
def test_tampered_token_is_401(deployment, api, token_of, tampering, endpoint, verb):
    tenant = deployment.tenants["acme"]
    real = token_of(tenant.owner_email)
    if tampering == "one-character-changed":
        token = real[:-1] + ("0" if real[-1] != "0" else "1")
    else:
        token = "f" * len(real)
    answer = send(api("acme", token=token), verb, endpoint, tenant.ids, endpoint.body("x", tenant.ids))
    assert answer.status == 401, answer.body


def test_expired_token_is_401_on_every_endpoint_and_verb_until_a_new_one_is_issued(deployment, api, obtain_token):
    """A member's token aged past AUTH_TOKEN_TTL_SECONDS on the server's database is refused
    everywhere; the next sign-in issues a new token, which works."""
    tenant = deployment.tenants["acme"]
    token = obtain_token(EXPIRING_MEMBER)
    assert api("acme", EXPIRING_MEMBER, token=token).get(ENDPOINTS[0].path).status == 200
    deployment.manage(
        "shell", "-c", f"from tests.e2e.shell_steps import expire_token; expire_token({EXPIRING_MEMBER!r})"
    )
    expired = api("acme", EXPIRING_MEMBER, token=token)
    for endpoint in ENDPOINTS:
        for verb in VERBS:
            answer = send(expired, verb, endpoint, tenant.ids, endpoint.body("x", tenant.ids))
            assert answer.status == 401, (endpoint.name, verb, answer.body)
            assert b"expired" in answer.body
    renewed = obtain_token(EXPIRING_MEMBER)
    assert renewed != token
    assert api("acme", EXPIRING_MEMBER, token=renewed).get(ENDPOINTS[0].path).status == 200
