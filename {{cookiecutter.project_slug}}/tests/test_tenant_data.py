"""A tenant's data moved and erased with proof (docs/tenant-data.md): export_tenant then
import_tenant gives equal data in a new tenant, all or nothing, and never touches the source;
delete_tenant leaves no row, schema, media file, cache key or queued job of the tenant, and
names whatever it finds left.

Every tenant-scoped model is covered through the ``data`` fixture (one object per endpoint,
derived from the URL configuration, foreign keys included), not just the example app.
"""

import io
import json
import os
import zipfile

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db.models.signals import post_delete

from {{ cookiecutter.project_slug }}.tenancy import tenant_cache
from {{ cookiecutter.project_slug }}.tenancy.background import tenant_task
from {{ cookiecutter.project_slug }}.tenancy.erasure import trace_of, verify_erased
from {{ cookiecutter.project_slug }}.tenancy.isolation import tenant_context, tenant_models
from {{ cookiecutter.project_slug }}.tenancy.models import Membership, Tenant
from {{ cookiecutter.project_slug }}.tenancy.services import delete_tenant
from {{ cookiecutter.project_slug }}.tenancy.transfer import media_names

from .support import manage_py

MEDIA = {"reports/2024.csv": b"acme-secret report", "photos/deep/logo.bin": bytes(range(256))}


@tenant_task(name="tests.tenant_data.reminder")
def reminder():
    """A job for the queue only: no worker runs it here."""


@pytest.fixture
def acme_with_media(data, acme, media_root):
    with tenant_context(acme.tenant):
        for name, content in MEDIA.items():
            assert default_storage.save(name, ContentFile(content)) == name
    return acme


def output_of(*args):
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def logical_rows(tenant):
    """Every row of the tenant by model, comparable across tenants: no ids, no tenant column,
    each foreign key replaced by its parent row's own values."""

    def values(row):
        fields = []
        for field in row._meta.concrete_fields:
            if field.is_relation and issubclass(field.related_model, Tenant):
                continue
            if field.is_relation:
                parent = getattr(row, field.name)
                fields.append((field.name, None if parent is None else values(parent)))
            elif not field.primary_key:
                fields.append((field.name, field.value_to_string(row)))
        return repr(fields)

    with tenant_context(tenant):
        return {model._meta.label: sorted(map(values, model._base_manager.all())) for model in tenant_models()}


def rows_with_ids(tenant):
    with tenant_context(tenant):
        return {model._meta.label: list(model._base_manager.order_by("pk").values()) for model in tenant_models()}


def ids_of(tenant):
    with tenant_context(tenant):
        return {model._meta.label: set(model._base_manager.values_list("pk", flat=True)) for model in tenant_models()}


def media_of(tenant):
    with tenant_context(tenant):
        return {name: default_storage.open(name, "rb").read() for name in media_names(default_storage)}


def test_an_archive_round_trip_gives_equal_rows_media_and_members(acme_with_media, globex, tmp_path):
    acme = acme_with_media
    archive = acme_archive(tmp_path)
    source_before, other_before = rows_with_ids(acme.tenant), rows_with_ids(globex.tenant)

    report = output_of("import_tenant", "acme2", str(archive))

    copy = Tenant.objects.get(slug="acme2")
    expected = logical_rows(acme.tenant)
    assert all(expected.values()), f"a tenant model has no row to compare: {expected}"
    assert logical_rows(copy) == expected
    assert media_of(copy) == media_of(acme.tenant) == MEDIA
    assert copy.name == acme.tenant.name
    assert Membership.objects.get(tenant=copy, user=acme.owner).role == Membership.Role.OWNER
    assert "Imported tenant acme2" in report
    # New ids, and the source and every other tenant untouched: the same rows with the same ids.
    source_ids, copied_ids = ids_of(acme.tenant), ids_of(copy)
    # The ids the data fixture set apart per tenant (the audit trail's come from a sequence,
    # which in a schema of its own starts again at 1 for the copy too).
    set_apart = {label: {pk for pk in ids if pk >= 1_000_000} for label, ids in source_ids.items()}
    assert any(set_apart.values()), source_ids
    assert all(not set_apart[label] & copied_ids[label] for label in source_ids), (source_ids, copied_ids)
    assert rows_with_ids(acme.tenant) == source_before
    assert rows_with_ids(globex.tenant) == other_before


def test_a_json_export_imports_too(data, globex, tmp_path, media_root):
    exported = tmp_path / "globex.json"
    call_command("export_tenant", "globex", "--output", str(exported))
    call_command("import_tenant", "globex2", str(exported), "--name", "Globex again", stdout=io.StringIO())
    copy = Tenant.objects.get(slug="globex2")
    assert copy.name == "Globex again"
    assert logical_rows(copy) == logical_rows(globex.tenant)
    assert not Membership.objects.filter(tenant=copy).exists()  # JSON carries rows only


def test_import_refuses_a_taken_or_bad_slug(data, acme, tmp_path, media_root):
    exported = tmp_path / "acme.json"
    call_command("export_tenant", "acme", "--output", str(exported))
    before = rows_with_ids(acme.tenant)
    with pytest.raises(CommandError, match="already taken"):
        call_command("import_tenant", "acme", str(exported))
    with pytest.raises(CommandError, match="Invalid tenant slug"):
        call_command("import_tenant", "Not A Slug", str(exported))
    assert rows_with_ids(acme.tenant) == before
    result = manage_py("import_tenant", "acme", str(exported))
    assert result.returncode != 0
    assert "already taken" in result.stderr


def acme_archive(tmp_path, edit=None):
    """acme exported as an archive, its entries ({name: bytes}) passed through ``edit`` if given."""
    archive = tmp_path / "acme.zip"
    call_command("export_tenant", "acme", "--output", str(archive), stderr=io.StringIO())
    if edit is not None:
        with zipfile.ZipFile(archive) as source:
            entries = {name: source.read(name) for name in source.namelist()}
        edit(entries)
        with zipfile.ZipFile(archive, "w") as target:
            for name, content in entries.items():
                target.writestr(name, content)
    return archive


def corrupt_rows(entries):
    entries["data.json"] = json.dumps(point_a_child_nowhere(json.loads(entries["data.json"]))).encode()


def point_a_child_nowhere(rows):
    """A foreign key to a parent row the export does not hold: found only once rows are inserted."""
    scoped = tenant_models()
    for row in rows:
        for field in apps.get_model(row["model"])._meta.concrete_fields:
            if field.is_relation and field.related_model in scoped and row["fields"].get(field.name) is not None:
                row["fields"][field.name] = 987_654_321
                return rows
    raise AssertionError("no tenant-scoped model points at another: nothing to corrupt")


def test_a_failed_import_leaves_nothing_behind(acme_with_media, tmp_path, media_root):
    archive = acme_archive(tmp_path, corrupt_rows)
    with pytest.raises(CommandError, match="987654321"):
        call_command("import_tenant", "acme3", str(archive))
    assert not Tenant.objects.filter(slug="acme3").exists()
    assert sorted(os.listdir(media_root)) == ["acme"]  # the media written before the failure are gone

    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(archive.read_bytes()[:200])
    with pytest.raises(CommandError, match="not a file that export_tenant wrote"):
        call_command("import_tenant", "acme3", str(truncated))
    assert not Tenant.objects.filter(slug="acme3").exists()


def test_members_with_no_user_here_are_named_not_created(data, tmp_path, media_root):
    def add_a_member(entries):
        manifest = json.loads(entries["manifest.json"])
        manifest["members"].append({"email": "left@example.test", "role": "member"})
        entries["manifest.json"] = json.dumps(manifest).encode()

    report = output_of("import_tenant", "acme4", str(acme_archive(tmp_path, add_a_member)))
    assert "not members (no user with that email here; invite them): left@example.test" in report
    assert not get_user_model().objects.filter(email="left@example.test").exists()
    assert Membership.objects.filter(tenant__slug="acme4").count() == 1  # acme's owner


def test_a_damaged_media_file_is_refused(acme_with_media, tmp_path):
    archive = acme_archive(tmp_path, lambda entries: entries.update({"media/reports/2024.csv": b"tampered"}))
    with pytest.raises(CommandError, match="damaged"):
        call_command("import_tenant", "acme3", str(archive))
    assert not Tenant.objects.filter(slug="acme3").exists()


def doomed_tenant(tmp_path, slug):
    """A copy of acme (rows, media, members) with a cache entry, a queued job and a place in the process's cache."""
    call_command("import_tenant", slug, str(acme_archive(tmp_path)), stdout=io.StringIO())
    tenant = Tenant.objects.get(slug=slug)
    with tenant_context(tenant):
        cache.set("dashboard", f"{slug}-secret", 600)
        reminder.defer()
    tenant_cache.get_or_load(("slug", slug), lambda: tenant)
    return tenant


def test_delete_tenant_erases_everything_and_says_so(acme_with_media, tmp_path):
    doomed = doomed_tenant(tmp_path, "doomed")
    trace = trace_of(doomed)
    before = verify_erased(trace)
    assert all(check.remaining for check in before), [str(check) for check in before]

    report = output_of("delete_tenant", "doomed", "--yes")

    assert not [str(check) for check in verify_erased(trace) if check.remaining]
    assert report.count("checked ") == len(before)
    assert "nothing of it remains" in report
    assert logical_rows(Tenant.objects.get(slug="acme"))  # the source keeps its data


def test_the_proof_names_a_media_file_put_back_after_the_deletion(acme_with_media, tmp_path):
    trace = delete_tenant(doomed_tenant(tmp_path, "doomed").slug)
    assert not [str(check) for check in verify_erased(trace) if check.remaining]
    os.makedirs(os.path.join(trace.media_folder, "late"))
    with open(os.path.join(trace.media_folder, "late", "upload.bin"), "wb") as file:
        file.write(b"written by a request still running")
    left = {check.name: check.remaining for check in verify_erased(trace) if check.remaining}
    assert left == {f"media folder {trace.media_folder}": ["1 file(s): late/upload.bin"]}


def test_delete_tenant_fails_naming_a_job_queued_while_it_ran(acme_with_media, tmp_path):
    """A job enqueued for the tenant after its jobs were erased (here by a signal) is found and named."""
    doomed_tenant(tmp_path, "doomed")

    def enqueue_late(sender, instance, **kwargs):
        if instance.slug == "doomed":
            reminder.task.defer(_tenant="doomed", _tenant_id=instance.pk)

    post_delete.connect(enqueue_late, sender=Tenant)
    try:
        with pytest.raises(CommandError, match=r"queued jobs: job \d+ \(tests.tenant_data.reminder, todo\)"):
            output_of("delete_tenant", "doomed", "--yes")
    finally:
        post_delete.disconnect(enqueue_late, sender=Tenant)
    assert not Tenant.objects.filter(slug="doomed").exists()
