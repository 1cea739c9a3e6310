"""The audit trail over HTTP, against the served deployment: an owner's deletion is in its own
tenant's trail, with the request's id, and in no other tenant's; a member may not read it.

Every answer is also checked for the markers its caller must not see (support.ApiClient), so
the deleted project's name, which carries acme's marker, must never reach globex's owner.
"""

import pytest

pytestmark = pytest.mark.e2e

TRAIL = "/api/v1/audit/"
MEMBER = "member@acme.test"


def test_an_owners_deletion_is_in_its_tenants_trail_only(deployment, api, obtain_token):
    acme, globex = deployment.tenants["acme"], deployment.tenants["globex"]
    owner = api("acme", acme.owner_email)
    name = f"{acme.marker} audited project"
    created = owner.post("/api/v1/projects/", {"name": name})
    assert created.status == 201, created.body
    deleted = owner.delete(f"/api/v1/projects/{created.json()['id']}/")
    assert deleted.status == 204, deleted.body

    trail = owner.get(TRAIL)
    assert trail.status == 200, trail.body
    newest = trail.json()["results"][0]
    assert {key: value for key, value in newest.items() if key != "at"} == {
        "actor": acme.owner_email,
        "action": "project.deleted",
        "target": name,
        "request_id": deleted.headers["x-request-id"],
    }

    theirs = api("globex", globex.owner_email).get(TRAIL)
    assert theirs.status == 200, theirs.body
    assert name not in [entry["target"] for entry in theirs.json()["results"]]
    # globex's owner naming acme: not a member there.
    assert api("acme", globex.owner_email).get(TRAIL).status == 403
    # A fresh token: another test expires this member's tokens.
    member = api("acme", MEMBER, token=obtain_token(MEMBER)).get(TRAIL)
    assert member.status == 403, member.body
    assert not deployment.server_errors()
