"""An invitation by mail, end to end through the running server: an owner invites, the server
mails the link (EMAIL_URL=filemail://...), the invited user signs in and accepts its token, and
then reads that tenant and no other. The token works once, and for nobody else.
"""

import re

import pytest

from .support import mails_to

pytestmark = pytest.mark.e2e

INVITEE = "invitee@e2e.test"  # seeded with no tenant (deployment.py)
OUTSIDER = "outsider@e2e.test"
LINK = re.compile(r"https?://\S+/invitations/accept\?token=([A-Za-z0-9_-]+)")


def test_an_invited_user_accepts_the_mailed_link_once_and_reads_that_tenant_only(deployment, api):
    acme, globex = deployment.tenants["acme"], deployment.tenants["globex"]
    owner = api("acme", acme.owner_email)
    made = owner.post("/api/v1/invitations/", {"email": INVITEE, "role": "member"})
    assert made.status == 201, made.body
    assert made.json()["email"] == INVITEE
    assert made.json()["id"] in [row["id"] for row in owner.get("/api/v1/invitations/").json()["results"]]

    [mail] = mails_to(deployment, INVITEE)
    text = mail.get_payload(decode=True).decode()
    assert acme.name in text and acme.owner_email in text and "UTC" in text, text
    [token] = LINK.findall(text)

    stranger = api(None, OUTSIDER).post("/api/v1/invitations/accept/", {"token": token})
    assert stranger.status == 403, stranger.body
    assert b"acme" not in stranger.body.lower()

    invitee = api(None, INVITEE)
    accepted = invitee.post("/api/v1/invitations/accept/", {"token": token})
    assert accepted.status == 200, accepted.body
    assert (accepted.json()["tenant"], accepted.json()["role"]) == ("acme", "member")
    deployment.users[INVITEE].memberships["acme"] = "member"  # its markers are the invitee's to see now

    own = api("acme", INVITEE).get("/api/v1/projects/")
    assert own.status == 200, own.body
    assert acme.marker.encode() in own.body
    other = api("globex", INVITEE).get("/api/v1/projects/")
    assert other.status == 403, other.body
    assert globex.marker.encode() not in other.body

    again = invitee.post("/api/v1/invitations/accept/", {"token": token})
    assert again.status == 400, again.body
    assert "already accepted" in again.json()["detail"]
    assert made.json()["id"] not in [row["id"] for row in owner.get("/api/v1/invitations/").json()["results"]]


def test_another_tenants_invitation_is_404_by_id_and_its_list_403(deployment, api):
    """acme's owner, a legitimate admin of acme, goes after globex's invitations over HTTP."""
    acme, globex = deployment.tenants["acme"], deployment.tenants["globex"]
    victim = api("globex", globex.owner_email)
    made = victim.post("/api/v1/invitations/", {"email": "someone@globex.test", "role": "admin"})
    assert made.status == 201, made.body
    target = f"/api/v1/invitations/{made.json()['id']}/"
    for method in ("GET", "DELETE"):
        answer = api("acme", acme.owner_email).request(method, target)
        assert answer.status == 404, (method, answer.body)
    forged = api("globex", acme.owner_email).get("/api/v1/invitations/")
    assert forged.status == 403, forged.body
    assert b"someone@globex.test" not in forged.body
    assert made.json()["id"] in [row["id"] for row in victim.get("/api/v1/invitations/").json()["results"]]
