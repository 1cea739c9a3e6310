"""The audit trail (docs/audit-trail.md): what is recorded, who may read it, and that the
database refuses to change or remove an entry, whichever code asks, in both strategies.

GET /api/v1/audit/ is a read-only list, not a ModelViewSet, so tests/endpoints.py cannot derive
its attacks: they are here (tests/endpoint_overrides.py's TESTED_ELSEWHERE names this module).
"""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import DatabaseError, connection, transaction
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.audit.models import AuditEntry
from {{ cookiecutter.project_slug }}.audit.trail import record
from {{ cookiecutter.project_slug }}.tenancy.erasure import trace_of, verify_erased
from {{ cookiecutter.project_slug }}.tenancy.isolation import tenant_context
from {{ cookiecutter.project_slug }}.tenancy.models import Membership
from {{ cookiecutter.project_slug }}.tenancy.services import create_tenant, delete_tenant

from .support import PASSWORD, token_for

TRAIL = "/api/v1/audit/"
FIELDS = {"at", "actor", "action", "target", "request_id"}


def user_with_role(tenant, role):
    user = get_user_model().objects.create_user(email=f"{role}@{tenant.slug}.example.test", password=PASSWORD)
    Membership.objects.create(user=user, tenant=tenant, role=role)
    return user


def entries(tenant):
    with tenant_context(tenant):
        return list(AuditEntry.objects.order_by("-at", "-id").values("actor", "action", "target", "request_id"))


# --- what is recorded -----------------------------------------------------------------------


def test_deleting_a_project_records_who_what_and_the_request(api, acme, data):
    client = api("acme", acme.owner)
    project = client.post("/api/v1/projects/", {"name": "Quarterly report"}, format="json").json()
    response = client.delete(f"/api/v1/projects/{project['id']}/", HTTP_X_REQUEST_ID="delete-report-1")
    assert response.status_code == 204
    trail = client.get(TRAIL)
    assert trail.status_code == 200
    newest = trail.json()["results"][0]
    assert set(newest) == FIELDS
    assert {key: newest[key] for key in FIELDS - {"at"}} == {
        "actor": acme.owner.email,
        "action": "project.deleted",
        "target": "Quarterly report",
        "request_id": "delete-report-1",
    }


def test_deleting_a_task_records_its_title(api, acme, data):
    client = api("acme", acme.owner)
    task = client.post("/api/v1/tasks/", {"project": data["acme"]["projects"], "title": "Call Bob"}, format="json")
    response = client.delete(f"/api/v1/tasks/{task.json()['id']}/")
    assert response.status_code == 204
    assert entries(acme.tenant)[0] == {
        "actor": acme.owner.email,
        "action": "task.deleted",
        "target": "Call Bob",
        "request_id": response["X-Request-ID"],
    }


def test_a_workspace_made_over_the_api_opens_its_trail_with_its_creation(db, django_user_model):
    founder = django_user_model.objects.create_user(email="founder@example.test", password=PASSWORD)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(founder)}")
    assert client.post("/api/v1/tenants/", {"slug": "initech", "name": "Initech"}, format="json").status_code == 201
    tenant = Membership.objects.get(user=founder).tenant
    [entry] = entries(tenant)
    assert (entry["actor"], entry["action"], entry["target"]) == (founder.email, "tenant.created", "initech")
    assert entry["request_id"], "the creation's request id is kept"


def test_a_tenant_made_by_the_command_records_its_creation_with_no_actor(db):
    tenant = create_tenant("initech", "Initech")
    assert [(e["actor"], e["action"], e["target"]) for e in entries(tenant)] == [("", "tenant.created", "initech")]


def test_a_role_change_and_a_removal_name_the_member_and_who_did_it(api, acme, data):
    member = user_with_role(acme.tenant, "member")
    membership = Membership.objects.get(user=member, tenant=acme.tenant)
    client = api("acme", acme.owner)
    assert client.patch(f"/api/v1/members/{membership.pk}/", {"role": "admin"}, format="json").status_code == 200
    assert client.delete(f"/api/v1/members/{membership.pk}/").status_code == 204
    newest = [(e["actor"], e["action"], e["target"]) for e in entries(acme.tenant)[:2]]
    assert newest == [
        (acme.owner.email, "member.removed", member.email),
        (acme.owner.email, "member.role_changed", member.email),
    ]


def test_a_refused_role_change_records_nothing(api, acme, data):
    member = user_with_role(acme.tenant, "member")
    membership = Membership.objects.get(user=member, tenant=acme.tenant)
    before = entries(acme.tenant)
    answer = api("acme", member).patch(f"/api/v1/members/{membership.pk}/", {"role": "owner"}, format="json")
    assert answer.status_code == 403
    assert entries(acme.tenant) == before


def test_a_refused_deletion_records_nothing(api, acme, globex, data):
    before = entries(acme.tenant), entries(globex.tenant)
    response = api("acme", acme.owner).delete(f"/api/v1/projects/{data['globex']['projects']}/")
    assert response.status_code == 404
    assert (entries(acme.tenant), entries(globex.tenant)) == before


def test_record_outside_a_request_takes_the_arguments_or_the_current_tenant(acme, globex):
    record("report.exported", "2024.csv", actor="ops@example.test", tenant=acme.tenant, detail={"rows": 3})
    with tenant_context(globex.tenant):
        record("tenant.created", "globex")
    assert entries(acme.tenant)[0] == {
        "actor": "ops@example.test",
        "action": "report.exported",
        "target": "2024.csv",
        "request_id": "",
    }
    assert entries(globex.tenant)[0] == {"actor": "", "action": "tenant.created", "target": "globex", "request_id": ""}
    with tenant_context(acme.tenant):
        assert AuditEntry.objects.get(action="report.exported").detail == {"rows": 3}


def test_record_with_no_tenant_refuses_to_record_nowhere(db):
    with pytest.raises(ValueError, match="has no tenant"):
        record("project.deleted", "Roadmap")


def test_a_failure_to_record_fails_the_request_and_undoes_its_action(api, acme, data, monkeypatch):
    """An action without its entry is what the trail exists to prevent: the request fails whole."""
    from {{ cookiecutter.project_slug }}.projects import views
    from {{ cookiecutter.project_slug }}.projects.models import Project

    def broken_record(action, target, **kwargs):
        # An entry the database refuses (a NULL action): a real database error, inside the request.
        return record(None, target, **kwargs)

    monkeypatch.setattr(views, "record", broken_record)
    client = api("acme", acme.owner)
    client.raise_request_exception = False
    response = client.delete(f"/api/v1/projects/{data['acme']['projects']}/")
    assert response.status_code == 500
    with tenant_context(acme.tenant):
        assert Project.objects.filter(pk=data["acme"]["projects"]).exists()


# --- who may read it ------------------------------------------------------------------------


def test_the_trail_is_newest_first_and_paginated(api, acme, data):
    for n in range(3):
        record("report.exported", f"report {n}", tenant=acme.tenant)
    client = api("acme", acme.owner)
    targets = [entry["target"] for entry in client.get(TRAIL).json()["results"]]
    assert targets[:3] == ["report 2", "report 1", "report 0"]
    page = client.get(f"{TRAIL}?limit=1&offset=1").json()
    assert page["count"] == len(targets)
    assert [entry["target"] for entry in page["results"]] == ["report 1"]
    assert client.get(f"{TRAIL}?limit=0").status_code == 400


@pytest.mark.parametrize(("role", "status"), [("owner", 200), ("admin", 200), ("member", 403)])
def test_only_admins_and_owners_read_the_trail(api, acme, data, role, status):
    response = api("acme", user_with_role(acme.tenant, role)).get(TRAIL)
    assert response.status_code == status
    if status == 403:
        assert response.json()["detail"] == "Only an admin or owner of this tenant can do this."
        assert b"acme-secret" not in response.content


def test_the_trail_lists_only_its_own_tenants_entries(api, acme, globex, data):
    for slug, under_test in (("acme", acme), ("globex", globex)):
        response = api(slug, under_test.owner).get(TRAIL)
        assert response.status_code == 200
        other = "globex" if slug == "acme" else "acme"
        assert f"{slug}-secret".encode() in response.content
        assert f"{other}-secret".encode() not in response.content


def test_an_owner_of_another_tenant_is_403(api, globex, data):
    response = api("acme", globex.owner).get(TRAIL)
    assert response.status_code == 403
    assert b"acme-secret" not in response.content


def test_a_user_with_no_membership_is_403(api, data, django_user_model):
    outsider = django_user_model.objects.get(email="outsider@example.test")
    assert api("acme", outsider).get(TRAIL).status_code == 403


@pytest.mark.parametrize("token", [None, "0" * 40])
def test_no_or_a_tampered_token_is_401(api, data, token):
    client = api("acme")
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get(TRAIL)
    assert response.status_code == 401
    assert b"secret" not in response.content


def test_an_unknown_tenant_is_404_and_no_tenant_is_refused(api, acme, data):
    assert api("nosuchtenant", acme.owner).get(TRAIL).status_code == 404
    client = APIClient(HTTP_HOST=settings.BASE_DOMAIN)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(acme.owner)}")
    response = client.get(TRAIL)
    assert response.status_code == (400 if settings.TENANT_ROUTING == "header" else 404)
    assert b"secret" not in response.content


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_offers_no_way_to_write_or_remove_an_entry(api, acme, data, method):
    client = api("acme", acme.owner)
    assert getattr(client, method)(TRAIL, {"action": "forged"}, format="json").status_code == 405
    assert client.get(f"{TRAIL}1/").status_code == 404
    assert "forged" not in str(entries(acme.tenant))


# --- append-only, enforced by the database --------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_entry SET target = 'rewritten'", "DELETE FROM audit_entry", "TRUNCATE audit_entry"],
    ids=["update", "delete", "truncate"],
)
def test_the_runtime_connection_cannot_change_or_remove_an_entry(acme, data, statement):
    with tenant_context(acme.tenant):
        count = AuditEntry.objects.count()
        assert count
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
        assert AuditEntry.objects.count() == count
        assert not AuditEntry.objects.filter(target="rewritten").exists()


def test_the_orm_cannot_change_or_remove_an_entry_either(acme, data):
    with tenant_context(acme.tenant):
        entry = AuditEntry.objects.first()
        entry.target = "rewritten"
        with pytest.raises(DatabaseError), transaction.atomic():
            entry.save()
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEntry.objects.filter(pk=entry.pk).delete()
        assert AuditEntry.objects.filter(pk=entry.pk).exclude(target="rewritten").exists()


def test_deleting_a_tenant_still_erases_its_trail(acme, data):
    doomed = create_tenant("doomed", "Doomed")
    record("tenant.created", "doomed", tenant=doomed)
    record("project.deleted", "doomed-secret-project", tenant=doomed)
    trace = trace_of(doomed)
    delete_tenant("doomed")
    assert not [str(check) for check in verify_erased(trace) if check.remaining]
    assert entries(acme.tenant)  # another tenant's trail is untouched


def test_an_invitation_made_revoked_and_accepted_is_in_the_trail(api, acme, data, django_user_model):
    client = api("acme", acme.owner)
    revoked = client.post("/api/v1/invitations/", {"email": "gone@example.test", "role": "member"}, format="json")
    assert client.delete(f"/api/v1/invitations/{revoked.json()['id']}/").status_code == 204
    invited = client.post("/api/v1/invitations/", {"email": "ada@example.test", "role": "admin"}, format="json")
    assert invited.status_code == 201
    token = re.search(r"[?&]token=([A-Za-z0-9_-]+)", mail.outbox[-1].body).group(1)
    ada = django_user_model.objects.create_user(email="ada@example.test", password=PASSWORD)
    accepter = APIClient()
    accepter.credentials(HTTP_AUTHORIZATION=f"Token {token_for(ada)}")
    assert accepter.post("/api/v1/invitations/accept/", {"token": token}, format="json").status_code == 200
    newest = [(e["actor"], e["action"], e["target"]) for e in entries(acme.tenant)[:4]]
    assert newest == [
        ("ada@example.test", "invitation.accepted", "ada@example.test"),
        (acme.owner.email, "invitation.created", "ada@example.test"),
        (acme.owner.email, "invitation.revoked", "gone@example.test"),
        (acme.owner.email, "invitation.created", "gone@example.test"),
    ]
