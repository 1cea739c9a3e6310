"""Invitations by mail: an admin or owner invites, the invited user accepts the mailed token once.

Invitations are a shared table, so the generic isolation attacks (tests/endpoints.py) do not
derive them: the attacks on their routes are here, one for each of test_isolation.py's
(tests/endpoint_overrides.py's TESTED_ELSEWHERE names this module), and the attacks only
invitations have: a token of one workspace used on another, another address's token, a token
used twice, expired, revoked or forged.
"""

import hashlib
import re
import socket
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.teams.models import Invitation
from {{ cookiecutter.project_slug }}.tenancy.models import Membership
from {{ cookiecutter.project_slug }}.users.mail import app_link

from .support import PASSWORD, assert_throttled, routing_headers, throttle_rates, token_for

INVITATIONS = "/api/v1/invitations/"
ACCEPT = "/api/v1/invitations/accept/"
NEWCOMER = "newcomer@example.test"
TOKEN_IN_LINK = re.compile(r"[?&]token=([A-Za-z0-9_-]+)")


def user(email):
    return get_user_model().objects.create_user(email=email, password=PASSWORD)


def member_of(under_test, email, role):
    """A new user with ``role`` in the tenant under test."""
    made = user(email)
    Membership.objects.create(user=made, tenant=under_test.tenant, role=role)
    return made


def signed_in(who, slug=None):
    """A client signed in as ``who``, naming tenant ``slug`` (None: no tenant, the base domain)."""
    client = APIClient(**routing_headers(slug)) if slug else APIClient(HTTP_HOST=settings.BASE_DOMAIN)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(who)}")
    return client


def token_in(message):
    found = TOKEN_IN_LINK.findall(message.body)
    assert len(found) == 1, message.body
    return found[0]


def invite(api, under_test, email=NEWCOMER, role="member", by=None):
    """(answer, the mailed token or None) of ``by`` (the owner) inviting ``email`` to the tenant under test."""
    sent = len(mail.outbox)
    response = api(under_test.slug, by or under_test.owner).post(
        INVITATIONS, {"email": email, "role": role}, format="json"
    )
    new = mail.outbox[sent:]
    return response, (token_in(new[-1]) if new else None)


def accept(who, token, slug=None):
    return signed_in(who, slug).post(ACCEPT, {"token": token}, format="json")


# --- inviting -------------------------------------------------------------------------------


def test_an_owner_invites_and_the_mail_names_the_tenant_the_inviter_the_link_and_the_expiry(api, acme, mailoutbox):
    before = timezone.now()
    response, token = invite(api, acme, email="NewComer@Example.test", role="admin")
    assert response.status_code == 201, response.content
    body = response.json()
    assert {"id", "email", "role", "expires"} <= set(body)
    assert (body["email"], body["role"], body["invited_by"]) == (NEWCOMER, "admin", acme.owner.email)
    invitation = Invitation.objects.get(pk=body["id"])
    assert invitation.tenant == acme.tenant
    ttl = timedelta(seconds=settings.INVITATION_TTL)
    assert before + ttl <= invitation.expires <= timezone.now() + ttl
    [message] = mailoutbox
    assert message.to == [NEWCOMER]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert "Acme" in message.subject and acme.owner.email in message.subject
    assert app_link("/invitations/accept", token=token) in message.body
    assert message.body.count(settings.APP_URL) == 1
    for expected in ("Acme", acme.owner.email, "an admin", f"{invitation.expires:%Y-%m-%d %H:%M} UTC"):
        assert expected in message.body, (expected, message.body)


def test_the_token_is_stored_only_as_its_digest(api, acme, mailoutbox):
    response, token = invite(api, acme)
    invitation = Invitation.objects.get(pk=response.json()["id"])
    assert invitation.token_digest == hashlib.sha256(token.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT row_to_json(invitation)::text FROM teams_invitation invitation")
        rows = [row for (row,) in cursor.fetchall()]
    assert rows and not [row for row in rows if token in row]
    assert token not in response.content.decode()


def test_the_expiry_is_invitation_ttl_from_now(api, acme, mailoutbox):
    with override_settings(INVITATION_TTL=60):
        response, _token = invite(api, acme)
    invitation = Invitation.objects.get(pk=response.json()["id"])
    assert timedelta(seconds=59) <= invitation.expires - invitation.created <= timedelta(seconds=61)


def test_an_admin_may_invite_an_admin_or_a_member_but_not_an_owner(api, acme, mailoutbox):
    admin = member_of(acme, "admin@acme.test", "admin")
    assert invite(api, acme, "one@example.test", "member", by=admin)[0].status_code == 201
    assert invite(api, acme, "two@example.test", "admin", by=admin)[0].status_code == 201
    response, token = invite(api, acme, "three@example.test", "owner", by=admin)
    assert response.status_code == 403
    assert response.json()["detail"] == "Only an owner of this tenant can invite an owner."
    assert token is None
    assert invite(api, acme, "three@example.test", "owner")[0].status_code == 201


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_a_member_below_admin_is_403_on_every_invitation_route(api, acme, method, mailoutbox):
    response, _token = invite(api, acme)
    plain = member_of(acme, "plain@acme.test", "member")
    url = f"{INVITATIONS}{response.json()['id']}/" if method == "delete" else INVITATIONS
    answer = getattr(api("acme", plain), method)(url, {"email": "x@example.test", "role": "member"}, format="json")
    assert answer.status_code == 403
    assert answer.json()["detail"] == "Only an admin or owner of this tenant can do this."
    assert len(mailoutbox) == 1
    assert api("acme", plain).get(f"{INVITATIONS}{response.json()['id']}/").status_code == 403


def test_inviting_someone_who_is_already_a_member_is_400(api, acme, mailoutbox):
    response, token = invite(api, acme, email=acme.owner.email.upper())
    assert response.status_code == 400
    assert response.json()["email"] == ["This address is already a member of this tenant."]
    assert token is None


@pytest.mark.parametrize(
    "body",
    [{}, {"email": "not an address", "role": "member"}, {"email": NEWCOMER, "role": "boss"}, {"email": NEWCOMER}],
)
def test_an_invalid_invitation_is_400_with_the_field_named(api, acme, body, mailoutbox):
    response = api("acme", acme.owner).post(INVITATIONS, body, format="json")
    assert response.status_code == 400
    assert set(response.json()) - {"detail"} <= {"email", "role"}
    assert not mailoutbox


def test_a_new_invitation_to_the_same_address_replaces_the_pending_one(api, acme, mailoutbox):
    _first, old_token = invite(api, acme, role="member")
    second, new_token = invite(api, acme, role="admin")
    assert second.status_code == 201
    listed = api("acme", acme.owner).get(INVITATIONS).json()["results"]
    assert [row["id"] for row in listed] == [second.json()["id"]]
    newcomer = user(NEWCOMER)
    refused = accept(newcomer, old_token)
    assert refused.status_code == 400
    assert refused.json()["token"] == ["This invitation was revoked: ask for a new one."]
    assert accept(newcomer, new_token).json()["role"] == "admin"


def test_the_list_is_paginated_and_holds_only_the_tenants_pending_invitations(api, acme, globex, mailoutbox):
    pending, _token = invite(api, acme, "pending@example.test")
    revoked, _token = invite(api, acme, "revoked@example.test")
    expired, _token = invite(api, acme, "expired@example.test")
    invite(api, globex, "globex-secret@example.test")
    api("acme", acme.owner).delete(f"{INVITATIONS}{revoked.json()['id']}/")
    Invitation.objects.filter(pk=expired.json()["id"]).update(expires=timezone.now() - timedelta(seconds=1))
    page = api("acme", acme.owner).get(f"{INVITATIONS}?limit=1")
    assert page.status_code == 200
    assert page.json()["count"] == 1
    assert [row["id"] for row in page.json()["results"]] == [pending.json()["id"]]
    assert b"globex" not in page.content


def test_revoking_is_204_and_the_link_stops_working(api, acme, mailoutbox):
    response, token = invite(api, acme)
    url = f"{INVITATIONS}{response.json()['id']}/"
    assert api("acme", acme.owner).delete(url).status_code == 204
    assert api("acme", acme.owner).delete(url).status_code == 404
    assert api("acme", acme.owner).get(url).status_code == 404
    refused = accept(user(NEWCOMER), token)
    assert refused.status_code == 400
    assert "revoked" in refused.json()["detail"]
    assert not Membership.objects.filter(user__email=NEWCOMER).exists()


def test_a_mail_that_cannot_be_sent_is_503_and_leaves_no_invitation(api, acme):
    with socket.socket() as sock:  # a port that nothing listens on: the SMTP connection is refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    smtp = {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "127.0.0.1"}
    with override_settings(**smtp, EMAIL_PORT=port, EMAIL_TIMEOUT=5):
        response, _token = invite(api, acme)
    assert response.status_code == 503
    assert "could not be sent" in response.json()["detail"]
    assert not Invitation.objects.filter(email=NEWCOMER).exists()


# --- accepting ------------------------------------------------------------------------------


def test_the_invited_user_accepts_once_and_reads_the_tenant_and_no_other(api, acme, mailoutbox):
    _response, token = invite(api, acme, role="admin")
    newcomer = user(NEWCOMER)
    accepted = accept(newcomer, token)
    assert accepted.status_code == 200, accepted.content
    assert accepted.json() == {"tenant": "acme", "name": "Acme", "role": "admin"}
    assert Membership.objects.get(user=newcomer).tenant == acme.tenant
    assert api("acme", newcomer).get("/api/v1/projects/").status_code == 200
    assert api("globex", newcomer).get("/api/v1/projects/").status_code == 403
    again = accept(newcomer, token)
    assert again.status_code == 400
    assert again.json()["token"] == ["This invitation was already accepted: its link works once."]
    assert api("acme", acme.owner).get(INVITATIONS).json()["results"] == []


def test_accepting_gives_exactly_the_invited_tenant_whatever_tenant_the_request_names(api, acme, globex, mailoutbox):
    """globex's token, sent on acme's host (or with X-Tenant-ID: acme), gives globex and never acme."""
    _response, token = invite(api, globex)
    newcomer = user(NEWCOMER)
    accepted = accept(newcomer, token, slug="acme")
    assert accepted.status_code == 200
    assert accepted.json()["tenant"] == "globex"
    assert [m.tenant.slug for m in Membership.objects.filter(user=newcomer)] == ["globex"]
    assert api("acme", newcomer).get("/api/v1/projects/").status_code == 403
    assert api("acme", newcomer).get(INVITATIONS).status_code == 403


def test_another_signed_in_user_is_403_and_learns_nothing_of_the_tenant(api, acme, mailoutbox):
    _response, token = invite(api, acme)
    stranger = user("stranger@example.test")
    refused = accept(stranger, token)
    assert refused.status_code == 403
    assert refused.json()["detail"] == "This invitation was sent to another address: sign in as that address."
    assert b"acme" not in refused.content.lower()
    assert not Membership.objects.filter(user=stranger).exists()
    assert accept(user(NEWCOMER), token).status_code == 200  # still the invited user's


def test_an_expired_invitation_is_refused(api, acme, mailoutbox):
    response, token = invite(api, acme)
    Invitation.objects.filter(pk=response.json()["id"]).update(expires=timezone.now() - timedelta(seconds=1))
    refused = accept(user(NEWCOMER), token)
    assert refused.status_code == 400
    assert refused.json()["token"] == ["This invitation has expired: ask for a new one."]
    assert api("acme", acme.owner).delete(f"{INVITATIONS}{response.json()['id']}/").status_code == 404


def test_a_user_who_became_a_member_meanwhile_is_400(api, acme, mailoutbox):
    _response, token = invite(api, acme)
    newcomer = member_of(acme, NEWCOMER, "member")
    refused = accept(newcomer, token)
    assert refused.status_code == 400
    assert refused.json()["token"] == ["You are already a member of this tenant."]


@pytest.mark.parametrize("token", ["A" * 43, "forged-but-well-formed-token-000000000000"])
def test_a_forged_token_is_404(acme, token):
    refused = accept(acme.owner, token)
    assert refused.status_code == 404
    assert refused.json()["detail"] == "No invitation has this token: check that the whole link was opened."


@pytest.mark.parametrize("body", [{}, {"token": ""}, {"token": "short"}, {"token": "a/b" * 20}, {"token": "x" * 200}])
def test_a_malformed_token_is_400(acme, body):
    refused = signed_in(acme.owner).post(ACCEPT, body, format="json")
    assert refused.status_code == 400
    assert "token" in refused.json()


@pytest.mark.parametrize("body", [{"token": ["a" * 43]}, {"token": None}, {"token": {"a": "b"}}])
def test_a_token_that_is_not_a_string_is_400(acme, body):
    assert signed_in(acme.owner).post(ACCEPT, body, format="json").status_code == 400


def test_accepting_without_credentials_is_401(api, acme, mailoutbox):
    _response, token = invite(api, acme)
    refused = APIClient(HTTP_HOST=settings.BASE_DOMAIN).post(ACCEPT, {"token": token}, format="json")
    assert refused.status_code == 401
    assert Invitation.objects.get().accepted_at is None


def test_accept_attempts_are_throttled_per_user_and_per_address(acme, globex, db):
    first, second = user("first@example.test"), user("second@example.test")
    with throttle_rates(invitation_accept="3/min"):
        for _ in range(3):
            assert accept(first, "A" * 43).status_code == 404
        assert_throttled(accept(first, "A" * 43))
        # Another user, from another address, keeps a budget of their own.
        elsewhere = APIClient(HTTP_HOST=settings.BASE_DOMAIN, REMOTE_ADDR="198.51.100.40")
        elsewhere.credentials(HTTP_AUTHORIZATION=f"Token {token_for(second)}")
        assert elsewhere.post(ACCEPT, {"token": "A" * 43}, format="json").status_code == 404
        # The same address is spent, whichever user signs in from it.
        assert_throttled(accept(second, "A" * 43))


# --- the isolation attacks, as test_isolation.py sends them to every tenant-scoped endpoint ---


@pytest.fixture
def invitations(api, acme, globex, mailoutbox):
    """{slug: the id of one pending invitation of that tenant}; its address carries the tenant's marker."""
    return {each.slug: invite(api, each, f"{each.slug}-secret@example.test")[0].json()["id"] for each in (acme, globex)}


def test_the_list_shows_only_the_tenants_own_invitations(api, acme, invitations):
    response = api("acme", acme.owner).get(INVITATIONS)
    assert [row["id"] for row in response.json()["results"]] == [invitations["acme"]]
    assert b"globex-secret" not in response.content


@pytest.mark.parametrize("method", ["get", "delete"])
def test_another_tenants_invitation_by_id_is_404_and_unchanged(api, acme, invitations, method):
    response = getattr(api("acme", acme.owner), method)(f"{INVITATIONS}{invitations['globex']}/")
    assert response.status_code == 404
    assert b"globex" not in response.content
    assert Invitation.objects.pending().filter(pk=invitations["globex"]).exists()


@pytest.mark.parametrize(("method", "on_object"), [("get", False), ("post", False), ("get", True), ("delete", True)])
def test_a_member_of_another_tenant_is_403_on_every_verb(api, globex, invitations, method, on_object):
    """globex's owner, with a valid token, forges the tenant acme (host or header)."""
    url = f"{INVITATIONS}{invitations['acme']}/" if on_object else INVITATIONS
    response = getattr(api("acme", globex.owner), method)(url, {"email": "x@example.test", "role": "owner"})
    assert response.status_code == 403
    assert b"acme-secret" not in response.content
    assert Invitation.objects.pending().filter(pk=invitations["acme"]).exists()


@pytest.mark.parametrize("on_object", [False, True])
def test_a_user_with_no_membership_is_403(api, invitations, on_object, django_user_model):
    outsider = django_user_model.objects.get(email="outsider@example.test")
    url = f"{INVITATIONS}{invitations['acme']}/" if on_object else INVITATIONS
    assert api("acme", outsider).get(url).status_code == 403


def test_a_removed_member_is_403_at_once(api, acme, invitations):
    admin = member_of(acme, "admin@acme.test", "admin")
    client = api("acme", admin)
    assert client.get(INVITATIONS).status_code == 200
    Membership.objects.filter(user=admin).delete()
    assert client.get(INVITATIONS).status_code == 403


@pytest.mark.parametrize("token", [None, "0" * 40, "not-a-token"])
def test_no_or_a_tampered_token_is_401(api, invitations, token):
    client = api("acme")
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    for url in (INVITATIONS, f"{INVITATIONS}{invitations['acme']}/"):
        response = client.get(url)
        assert response.status_code == 401
        assert b"acme-secret" not in response.content


def test_an_unknown_tenant_is_404(api, acme, invitations):
    response = api("nosuchtenant", acme.owner).get(INVITATIONS)
    assert response.status_code == 404
    assert b"secret" not in response.content


def test_the_invitation_routes_without_a_tenant(acme, invitations):
    """Header routing: no X-Tenant-ID is 400. Subdomain routing: the bare base domain is 404."""
    for url in (INVITATIONS, f"{INVITATIONS}{invitations['acme']}/"):
        response = signed_in(acme.owner).get(url)
        assert response.status_code == (400 if settings.TENANT_ROUTING == "header" else 404)
        assert b"secret" not in response.content


def test_alternating_tenants_on_one_connection_never_leak(api, acme, globex, invitations):
    clients = {"acme": api("acme", acme.owner), "globex": api("globex", globex.owner)}
    for _ in range(3):
        for slug, other in (("acme", "globex"), ("globex", "acme")):
            response = clients[slug].get(INVITATIONS)
            assert response.status_code == 200
            assert f"{slug}-secret".encode() in response.content
            assert f"{other}-secret".encode() not in response.content
            assert response[settings.TENANT_HEADER] == slug
