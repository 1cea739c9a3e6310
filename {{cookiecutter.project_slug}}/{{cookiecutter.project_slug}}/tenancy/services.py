"""Creating and deleting tenants: the logic behind the management commands and the tests."""

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from {{ cookiecutter.project_slug }}.audit.trail import record

from . import erasure, isolation
from .models import PUBLIC_TENANT_SLUG, Domain, Membership, Tenant

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
SLUG_LENGTH = (2, 40)
# Host labels and names the platform keeps for itself, and those the strategy needs.
RESERVED_SLUGS = (
    frozenset({PUBLIC_TENANT_SLUG, "www", "api", "admin", "app", "static", "media", "mail"}) | isolation.RESERVED_SLUGS
)


class TenantError(Exception):
    """A request to create or delete a tenant that cannot be carried out; the message says why."""


def validate_slug(slug):
    low, high = SLUG_LENGTH
    if not (low <= len(slug) <= high) or not SLUG_PATTERN.match(slug):
        raise TenantError(
            f"Invalid tenant slug {slug!r}: use {low}-{high} lowercase letters, digits and single "
            "hyphens, starting with a letter (it becomes a host name label)."
        )
    if slug in RESERVED_SLUGS:
        raise TenantError(f"The slug {slug!r} is reserved; choose another.")
    if Tenant.objects.filter(slug=slug).exists():
        raise TenantError(f"The slug {slug!r} is already taken by another tenant.")


def default_domain(slug):
    """Subdomain routing gives every tenant ``<slug>.<BASE_DOMAIN>``; header routing needs none."""
    if settings.TENANT_ROUTING == "subdomain":
        return f"{slug}.{settings.BASE_DOMAIN}"
    return None


def _owner(email, password):
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return user
    if not password:
        raise TenantError(f"No user {email!r} exists yet: give --owner-password to create one.")
    try:
        validate_password(password)
    except ValidationError as exc:
        raise TenantError("Owner password rejected: " + " ".join(exc.messages)) from exc
    return User.objects.create_user(email=email, password=password)


def create_tenant(slug, name, *, domain=None, owner_email=None, owner_password=None, record_creation=True):
    """One tenant with its isolation (isolation.provision_tenant), routing and owner, or nothing at all.

    Its audit trail opens with its creation, unless ``record_creation`` is false: an import
    brings the trail it had.
    """
    validate_slug(slug)
    domain = domain or default_domain(slug)
    if domain and Domain.objects.filter(domain=domain).exists():
        raise TenantError(f"The domain {domain!r} already routes to another tenant.")
    with transaction.atomic():
        owner = _owner(owner_email, owner_password) if owner_email else None
        tenant = isolation.provision_tenant(slug=slug, name=name)
        if domain:
            Domain.objects.create(domain=domain, tenant=tenant, is_primary=True)
        if owner is not None:
            Membership.objects.create(user=owner, tenant=tenant, role=Membership.Role.OWNER)
        if record_creation:
            # Its actor is the request's user (a workspace made over the API); none for a command.
            record("tenant.created", tenant.slug, tenant=tenant)
    return tenant


def delete_tenant(slug):
    """The tenant, every row of its data, its queued jobs, cache entries and media folder.

    Returns where it kept them, for erasure.verify_erased() to look again.
    """
    tenant = Tenant.objects.customers().filter(slug=slug).first()
    if tenant is None:
        raise TenantError(f"No tenant with the slug {slug!r}. `manage.py list_tenants` lists them.")
    trace = erasure.trace_of(tenant)
    with transaction.atomic():
        erasure.erase_queued_jobs(trace)
        erasure.erase_cache_entries(trace)
        isolation.drop_tenant(tenant)
    erasure.erase_media(trace.media_folder)
    return trace
