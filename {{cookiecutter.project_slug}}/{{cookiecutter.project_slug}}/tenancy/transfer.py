"""Moving one tenant's data: export_tenant writes it, import_tenant reads it into a new tenant.

Two formats, both read by import_tenant (docs/tenant-data.md):
- JSON (standard output, or ``--output FILE``): every row of every tenant-scoped model, in
  Django's serialization format. No media files, no members.
- an archive (``--output FILE.zip``): ``data.json`` (the same rows), ``media/`` (the tenant's
  files, by their storage names) and ``manifest.json`` (the format, the source tenant, its
  members' emails and roles, each media file's SHA-256).

An import gives every row a new primary key and points each foreign key at the new row of the
same parent, so a tenant can be imported into the very database it was exported from.
"""

import dataclasses
import datetime
import hashlib
import json
import posixpath
import zipfile

from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, models, transaction

from . import isolation
from .erasure import erase_media
from .models import Membership, Tenant
from .services import TenantError, create_tenant

FORMAT = "tenant-export/1"
ARCHIVE_SUFFIX = ".zip"


class LosslessEncoder(DjangoJSONEncoder):
    """Times with their microseconds (DjangoJSONEncoder keeps milliseconds): a round trip gives equal rows."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def dependency_order(tenant_scoped):
    """The models, each after the models its foreign keys point at (a cycle keeps the given order)."""
    remaining = list(tenant_scoped)
    ordered = []
    while remaining:
        ready = [model for model in remaining if not (_parents(model) & set(remaining)) - {model}] or remaining[:1]
        ordered.extend(ready)
        remaining = [model for model in remaining if model not in ready]
    return ordered


def _parents(model):
    return {field.related_model for field in model._meta.concrete_fields if field.is_relation}


def tenant_rows():
    """Every row of the current tenant, model by model, parents first."""
    for model in dependency_order(isolation.tenant_models()):
        yield from model._base_manager.order_by("pk")


def media_names(storage, folder=""):
    """The storage names of every file of the current tenant's media folder, sorted."""
    if not storage.exists(folder):
        return
    folders, files = storage.listdir(folder)
    for name in sorted(files):
        yield posixpath.join(folder, name)
    for name in sorted(folders):
        yield from media_names(storage, posixpath.join(folder, name))


def write_json(tenant, stream):
    with isolation.tenant_context(tenant):
        serializers.serialize("json", tenant_rows(), indent=2, stream=stream, cls=LosslessEncoder)


def write_archive(tenant, path):
    """The archive format: rows, media files and members; returns how many media files it holds."""
    members = [
        {"email": membership.user.email, "role": membership.role}
        for membership in Membership.objects.filter(tenant=tenant).select_related("user").order_by("user__email")
    ]
    with isolation.tenant_context(tenant), zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", serializers.serialize("json", tenant_rows(), indent=2, cls=LosslessEncoder))
        digests = {}
        for name in media_names(default_storage):
            with default_storage.open(name, "rb") as file:
                content = file.read()
            archive.writestr(f"media/{name}", content)
            digests[name] = _digest(content)
        manifest = {
            "format": FORMAT,
            "tenant": {"slug": tenant.slug, "name": tenant.name},
            "members": members,
            "media": digests,
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    return len(digests)


def _digest(content):
    return hashlib.sha256(content).hexdigest()


def read_export(path):
    """(rows as JSON text, manifest, {media name: bytes}) of what export_tenant wrote to ``path``."""
    try:
        if not zipfile.is_zipfile(path):
            with open(path, encoding="utf-8") as file:
                return file.read(), {"members": []}, {}
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            if manifest.get("format") != FORMAT:
                raise TenantError(f"{path} is an archive of format {manifest.get('format')!r}, not {FORMAT!r}.")
            media = {name: archive.read(f"media/{name}") for name in manifest["media"]}
            damaged = [name for name, content in media.items() if _digest(content) != manifest["media"][name]]
            if damaged:
                raise TenantError(f"{path} is damaged: media file(s) {', '.join(damaged)} do not match the manifest.")
            manifest["members"] = [(member["email"], member["role"]) for member in manifest["members"]]
            unknown_roles = {role for _email, role in manifest["members"]} - set(Membership.Role.values)
            if unknown_roles:
                raise TenantError(f"{path} gives members roles this project does not have: {sorted(unknown_roles)}.")
            return archive.read("data.json").decode(), manifest, media
    except (OSError, KeyError, TypeError, AttributeError, ValueError, zipfile.BadZipFile) as exc:
        raise TenantError(
            f"{path} is not a file that export_tenant wrote ({type(exc).__name__}: {exc}); export the tenant again."
        ) from exc


@dataclasses.dataclass
class Imported:
    """What an import made: counts for the report, and who was and was not made a member."""

    tenant: Tenant
    rows: dict = dataclasses.field(default_factory=dict)  # model label -> rows
    media: int = 0
    members: list = dataclasses.field(default_factory=list)
    members_not_found: list = dataclasses.field(default_factory=list)


def import_tenant(slug, path, *, name=None, domain=None, owner_email=None, owner_password=None):
    """A new tenant ``slug`` holding the rows, media files and members of an export, or nothing at all.

    Members are matched by email with the users of this database; a member with no user here is
    reported, not created (passwords and tokens never leave the database they belong to).
    """
    data, manifest, media = read_export(path)
    try:
        rows = list(serializers.deserialize("json", data))
    except serializers.base.DeserializationError as exc:
        raise TenantError(f"{path} holds rows that do not fit this project's models: {exc}") from exc
    source = manifest.get("tenant", {})
    media_folder = None
    try:
        with transaction.atomic():
            tenant = create_tenant(
                slug,
                name or source.get("name") or slug,
                domain=domain,
                owner_email=owner_email,
                owner_password=owner_password,
                record_creation=False,  # the archive holds the trail, its creation included
            )
            imported = Imported(tenant)
            _add_members(imported, manifest["members"])
            with isolation.tenant_context(tenant):
                media_folder = default_storage.location
                if default_storage.exists("") and any(media_names(default_storage)):
                    media_folder = None  # not ours to remove
                    raise TenantError(
                        f"The media folder {default_storage.location} already holds files: move them away first."
                    )
                imported.media = _write_media(media)
                imported.rows = _load_rows(tenant, rows)
    except (DatabaseError, SuspiciousFileOperation) as exc:
        _remove_media(media_folder)
        raise TenantError(f"{path} could not be imported, nothing was ({type(exc).__name__}: {exc}).") from exc
    except BaseException:
        _remove_media(media_folder)
        raise
    return imported


def _remove_media(folder):
    if folder is not None:
        erase_media(folder)


def _add_members(imported, members):
    """Memberships for the export's members who are users here (the owner given on the command line stays)."""
    User = get_user_model()
    for email, role in members:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            imported.members_not_found.append(email)
            continue
        Membership.objects.get_or_create(user=user, tenant=imported.tenant, defaults={"role": role})
        imported.members.append(email)


def _write_media(media):
    for name, content in media.items():
        saved = default_storage.save(name, ContentFile(content))
        if saved != name:
            raise TenantError(f"The media file {name} was stored as {saved}: the media folder was not empty.")
    return len(media)


def _load_rows(tenant, deserialized):
    """Insert the rows with new primary keys, each foreign key pointing at the new row of its parent."""
    tenant_scoped = set(isolation.tenant_models())
    by_model = {}
    for item in deserialized:
        model = type(item.object)
        if model not in tenant_scoped:
            raise TenantError(f"The export holds rows of {model._meta.label}, which is not a tenant-scoped model here.")
        by_model.setdefault(model, []).append(item)
    new_pks = {}  # (model, old primary key) -> new primary key
    loaded = tenant_scoped - set(by_model)  # models the export has no rows of count as loaded
    later = []  # foreign keys to rows not inserted yet (a model pointing at itself, a cycle)
    many_to_many = []
    for model in dependency_order(by_model):
        for item in by_model[model]:
            row = item.object
            old_pk = row.pk
            pending = {
                field: _remap(row, field, tenant, tenant_scoped, new_pks, loaded)
                for field in model._meta.concrete_fields
                if field.is_relation
            }
            pk = model._meta.pk
            if isinstance(pk, models.AutoField):
                row.pk = None
            elif not pk.is_relation and pk.has_default():
                row.pk = pk.get_default()
            row.save_base(raw=True)
            new_pks[model, old_pk] = row.pk
            later.extend((model, row.pk, field, old) for field, old in pending.items() if old is not None)
            many_to_many.append((row, item.m2m_data))
        loaded.add(model)
    for model, pk, field, old in later:
        new = new_pks.get((field.related_model, old))
        if new is None:
            raise TenantError(_dangling(model, field, old))
        model._base_manager.filter(pk=pk).update(**{field.attname: new})
    for row, relations in many_to_many:
        for field_name, old_ids in relations.items():
            target = row._meta.get_field(field_name).related_model
            if target in tenant_scoped:
                old_ids = [_new_pk(new_pks, row, field_name, target, old) for old in old_ids]
            getattr(row, field_name).set(old_ids)
    with connection.cursor() as cursor:
        # Foreign keys are checked at commit; now instead, so a key to a missing row fails the import here.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    return {model._meta.label: len(items) for model, items in by_model.items()}


def _remap(row, field, tenant, tenant_scoped, new_pks, loaded):
    """Point ``field`` at its parent's new row; the old id instead when that row comes later (then set afterwards)."""
    target = field.related_model
    if issubclass(target, Tenant):
        setattr(row, field.attname, tenant.pk)
        return None
    old = getattr(row, field.attname)
    if old is None or target not in tenant_scoped or not field.target_field.primary_key:
        return None  # a key to a shared row, or to a value copied as it is
    new = new_pks.get((target, old))
    if new is not None:
        setattr(row, field.attname, new)
        return None
    if target in loaded:
        raise TenantError(_dangling(type(row), field, old))
    if field.null and not field.primary_key:
        setattr(row, field.attname, None)
        return old
    raise TenantError(
        f"{type(row)._meta.label}.{field.name} points at a {target._meta.label} imported after it and "
        "cannot be empty meanwhile: this model cannot be imported."
    )


def _new_pk(new_pks, row, field_name, target, old):
    if (target, old) not in new_pks:
        raise TenantError(_dangling(type(row), row._meta.get_field(field_name), old))
    return new_pks[target, old]


def _dangling(model, field, old):
    target = field.related_model._meta.label
    return f"A {model._meta.label} row points at {target} {old}, which the export does not hold."
