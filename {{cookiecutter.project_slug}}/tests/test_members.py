"""Members and roles: GET /api/v1/members/ for any member, PATCH .../<id>/ {"role"} for owners,
DELETE .../<id>/ for admins and owners; the last owner stays.

Memberships are a shared table: these are also the isolation attacks on the members routes
(tests/endpoint_overrides.py's TESTED_ELSEWHERE): another tenant's member by id, a removed
member, a role below the one required, a member of another tenant.
"""

import pytest
from django.contrib.auth import get_user_model

from {{ cookiecutter.project_slug }}.tenancy.models import Membership

from .support import PASSWORD

MEMBERS = "/api/v1/members/"
NOT_A_MEMBER = "You are not a member of this tenant."


def member_path(pk):
    return f"{MEMBERS}{pk}/"


def join(tenant, role, email=None):
    """A new user with ``role`` in ``tenant``; returns (user, membership)."""
    user = get_user_model().objects.create_user(email=email or f"{role}@{tenant.slug}.test", password=PASSWORD)
    return user, Membership.objects.create(user=user, tenant=tenant, role=role)


@pytest.fixture
def team(acme):
    """acme: its owner, an admin and a member."""
    admin, admin_membership = join(acme.tenant, "admin")
    member, member_membership = join(acme.tenant, "member")
    owner_membership = Membership.objects.get(user=acme.owner, tenant=acme.tenant)
    return {
        "owner": (acme.owner, owner_membership),
        "admin": (admin, admin_membership),
        "member": (member, member_membership),
    }


def role_of(membership):
    found = Membership.objects.filter(pk=membership.pk).first()
    return found.role if found else None


# --- the list ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["owner", "admin", "member"])
def test_any_member_lists_this_tenants_members_only(api, team, globex, role):
    user, _membership = team[role]
    response = api("acme", user).get(MEMBERS)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert body["results"] == [
        {"id": membership.pk, "email": each.email, "role": membership.role} for each, membership in team.values()
    ]
    assert b"globex" not in response.content


def test_the_list_is_paginated_like_every_list(api, team):
    response = api("acme", team["member"][0]).get(f"{MEMBERS}?limit=1&offset=1")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [team["admin"][1].pk]
    assert api("acme", team["member"][0]).get(f"{MEMBERS}?limit=0").status_code == 400


# --- roles ------------------------------------------------------------------------------------


def test_an_owner_changes_a_role(api, team):
    user, membership = team["member"]
    response = api("acme", team["owner"][0]).patch(member_path(membership.pk), {"role": "admin"}, format="json")
    assert response.status_code == 200
    assert response.json() == {"id": membership.pk, "email": user.email, "role": "admin"}
    assert role_of(membership) == "admin"


@pytest.mark.parametrize("role", ["admin", "member"])
def test_only_an_owner_changes_roles(api, team, role):
    _target, membership = team["member"]
    response = api("acme", team[role][0]).patch(member_path(membership.pk), {"role": "owner"}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "Only an owner of this tenant can do this."
    assert role_of(membership) == "member"


@pytest.mark.parametrize("body", [{"role": "superuser"}, {"role": ""}, {}])
def test_a_role_that_is_not_one_is_400(api, team, body):
    _target, membership = team["member"]
    response = api("acme", team["owner"][0]).patch(member_path(membership.pk), body, format="json")
    assert response.status_code == 400
    assert "role" in response.json()
    assert role_of(membership) == "member"


def test_the_last_owner_cannot_be_demoted(api, team):
    owner, membership = team["owner"]
    response = api("acme", owner).patch(member_path(membership.pk), {"role": "admin"}, format="json")
    assert response.status_code == 400
    assert "last owner" in response.json()["detail"]
    assert role_of(membership) == "owner"


def test_an_owner_steps_down_once_another_owner_exists(api, team):
    owner, membership = team["owner"]
    client = api("acme", owner)
    assert client.patch(member_path(team["admin"][1].pk), {"role": "owner"}, format="json").status_code == 200
    assert client.patch(member_path(membership.pk), {"role": "member"}, format="json").status_code == 200
    assert role_of(membership) == "member"
    # The demotion holds from the next request: no longer an owner, no longer allowed.
    response = client.patch(member_path(team["member"][1].pk), {"role": "admin"}, format="json")
    assert response.status_code == 403


# --- removal ----------------------------------------------------------------------------------


@pytest.mark.parametrize("remover", ["owner", "admin"])
def test_an_admin_or_owner_removes_a_member_whose_next_request_is_403(api, team, remover):
    removed, membership = team["member"]
    removed_client = api("acme", removed)
    assert removed_client.get("/api/v1/projects/").status_code == 200
    response = api("acme", team[remover][0]).delete(member_path(membership.pk))
    assert response.status_code == 204
    assert role_of(membership) is None
    # The same token, the next request: the role is read again on every request.
    for path in ("/api/v1/projects/", MEMBERS):
        answer = removed_client.get(path)
        assert answer.status_code == 403, path
        assert answer.json()["detail"] == NOT_A_MEMBER


def test_a_member_cannot_remove_anyone(api, team):
    _target, membership = team["admin"]
    response = api("acme", team["member"][0]).delete(member_path(membership.pk))
    assert response.status_code == 403
    assert response.json()["detail"] == "Only an admin or owner of this tenant can do this."
    assert role_of(membership) == "admin"


def test_an_admin_cannot_remove_an_owner(api, team):
    _owner, membership = team["owner"]
    response = api("acme", team["admin"][0]).delete(member_path(membership.pk))
    assert response.status_code == 403
    assert response.json()["detail"] == "Only an owner can remove an owner."
    assert role_of(membership) == "owner"


def test_the_last_owner_cannot_be_removed(api, team):
    owner, membership = team["owner"]
    response = api("acme", owner).delete(member_path(membership.pk))
    assert response.status_code == 400
    assert "last owner" in response.json()["detail"]
    assert role_of(membership) == "owner"


def test_an_owner_removes_another_owner(api, team):
    second, second_membership = join(team["owner"][1].tenant, "owner", email="second-owner@acme.test")
    assert api("acme", team["owner"][0]).delete(member_path(second_membership.pk)).status_code == 204
    assert role_of(second_membership) is None
    assert api("acme", second).get(MEMBERS).status_code == 403


def test_an_admin_removes_another_admin_and_themselves(api, team):
    _other, other_membership = join(team["owner"][1].tenant, "admin", email="other-admin@acme.test")
    admin, admin_membership = team["admin"]
    client = api("acme", admin)
    assert client.delete(member_path(other_membership.pk)).status_code == 204
    assert client.delete(member_path(admin_membership.pk)).status_code == 204
    assert client.get(MEMBERS).status_code == 403


# --- isolation: the members routes attacked as every tenant-scoped route is ------------------


@pytest.mark.parametrize(
    ("method", "body"), [("patch", {"role": "member"}), ("delete", None)], ids=["change-role", "remove"]
)
def test_another_tenants_member_by_id_is_404_and_unchanged(api, team, globex, method, body):
    """acme's owner sends globex's owner's membership id to acme: not found, never refused (403 would confirm it)."""
    target = Membership.objects.get(user=globex.owner, tenant=globex.tenant)
    response = getattr(api("acme", team["owner"][0]), method)(member_path(target.pk), body, format="json")
    assert response.status_code == 404
    assert b"globex" not in response.content
    assert role_of(target) == "owner"


@pytest.mark.parametrize("pk", ["999999999", "not-a-number", "1.5"])
def test_a_member_id_that_does_not_exist_is_404(api, team, pk):
    client = api("acme", team["owner"][0])
    assert client.delete(member_path(pk)).status_code == 404
    assert client.patch(member_path(pk), {"role": "admin"}, format="json").status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("get", "list", None), ("patch", "detail", {"role": "admin"}), ("delete", "detail", None)],
    ids=["list", "change-role", "remove"],
)
@pytest.mark.parametrize("caller", ["globex-owner", "outsider", "removed", "nobody"])
def test_a_caller_who_is_not_a_member_is_refused(api, team, globex, django_user_model, method, path, body, caller):
    """A member of another tenant naming acme, a user of no tenant, a removed member: 403; no token: 401."""
    _target, membership = team["member"]
    users = {
        "globex-owner": globex.owner,
        "outsider": django_user_model.objects.get(email="outsider@example.test"),
        "removed": team["admin"][0],
        "nobody": None,
    }
    client = api("acme", users[caller])
    if caller == "removed":
        Membership.objects.filter(pk=team["admin"][1].pk).delete()
    url = MEMBERS if path == "list" else member_path(membership.pk)
    response = getattr(client, method)(url, body, format="json")
    assert response.status_code == (401 if caller == "nobody" else 403)
    assert b"member@acme.test" not in response.content
    assert role_of(membership) == "member"
