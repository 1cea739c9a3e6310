"""A workspace's life over HTTP, against the served deployment: a user of no tenant creates one,
uses it at once through the routing, gives a teammate a role, removes them (403 from their next
request) and deletes it."""

import pytest

pytestmark = pytest.mark.e2e

FOUNDER = "founder@e2e.test"
TEAMMATE = "teammate@e2e.test"
SLUG = "teamwork"


def test_a_workspace_from_creation_to_deletion(deployment, api):
    founder_anywhere = api(None, FOUNDER)
    created = founder_anywhere.post("/api/v1/tenants/", {"slug": SLUG, "name": "Teamwork"})
    assert created.status == 201, created.body
    assert created.json() == {"slug": SLUG, "name": "Teamwork", "role": "owner"}
    taken = founder_anywhere.post("/api/v1/tenants/", {"slug": SLUG, "name": "Again"})
    assert taken.status == 400 and "already taken" in taken.json()["slug"][0], taken.body

    # Served at once, with the same token, whichever server process answers.
    founder = api(SLUG, FOUNDER)
    for _ in range(4):
        assert founder.get("/api/v1/projects/").status == 200
    assert founder.post("/api/v1/projects/", {"name": "Launch"}).status == 201
    memberships = founder_anywhere.get("/api/v1/auth/me/").json()["memberships"]
    assert {"tenant": SLUG, "name": "Teamwork", "role": "owner", "state": "active"} in memberships

    # A teammate joins as a member (as an accepted invitation makes them) and is promoted to admin.
    deployment.manage(
        "shell", "-c", f"from tests.e2e.shell_steps import add_member; add_member({SLUG!r}, {TEAMMATE!r}, 'member')"
    )
    teammate = api(SLUG, TEAMMATE)
    assert teammate.get("/api/v1/projects/").status == 200
    members = {row["email"]: row for row in founder.get("/api/v1/members/").json()["results"]}
    assert {email: row["role"] for email, row in members.items()} == {FOUNDER: "owner", TEAMMATE: "member"}
    assert teammate.patch(f"/api/v1/members/{members[FOUNDER]['id']}/", {"role": "member"}).status == 403
    promoted = founder.patch(f"/api/v1/members/{members[TEAMMATE]['id']}/", {"role": "admin"})
    assert promoted.status == 200 and promoted.json()["role"] == "admin", promoted.body
    # An admin, yet not allowed to remove an owner.
    assert teammate.delete(f"/api/v1/members/{members[FOUNDER]['id']}/").status == 403

    # Removed: the teammate's very next request, on any server process, is refused.
    assert founder.delete(f"/api/v1/members/{members[TEAMMATE]['id']}/").status == 204
    for _ in range(4):
        refused = teammate.get("/api/v1/projects/")
        assert refused.status == 403, refused.body
        assert refused.json()["detail"] == "You are not a member of this tenant."

    # Deleted, once confirmed with its slug.
    assert founder.request("DELETE", "/api/v1/tenant/", {"confirm": "teamwrok"}).status == 400
    assert founder.request("DELETE", "/api/v1/tenant/", {"confirm": SLUG}).status == 204
    # Gone: 404 from the process that deleted it; another may route by its cached tenant for up to
    # TENANT_CACHE_SECONDS, where no membership is left: 403. Never its data.
    for _ in range(4):
        assert founder.get("/api/v1/projects/").status in (403, 404)
    assert SLUG not in [each["tenant"] for each in founder_anywhere.get("/api/v1/auth/me/").json()["memberships"]]
