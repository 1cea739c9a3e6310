"""Which tenant a request names. The only module that knows how tenants are routed.

- subdomain: the Host, looked up in the Domain table (``<slug>.<BASE_DOMAIN>`` by default,
  or any custom domain given to ``create_tenant --domain``).
- header: the ``X-Tenant-ID: <slug>`` header.

Tenants are resolved from a per-process cache (tenancy/tenant_cache.py): a warm request
sends no statement to find its tenant.
"""

from django.conf import settings
from django.http.request import split_domain_port

from . import tenant_cache
from .models import Domain, Tenant


class UnknownTenant(Exception):
    """The request names a tenant that does not exist."""


def tenant_for_request(request):
    """The tenant the request names, or None when it names none (the platform itself)."""
    if settings.TENANT_ROUTING == "header":
        return _tenant_from_header(request)
    return _tenant_from_host(request)


def status_without_tenant():
    """The status of a tenant-scoped path reached without naming a tenant."""
    return 400 if settings.TENANT_ROUTING == "header" else 404


def base_domain_url(request):
    """Subdomain routing: this request's URL on the base domain when it came to another host
    (an address such as 127.0.0.1, a tenant's host), else None.

    A page that names each tenant by ``<slug>.<its own host>`` works only on the base domain:
    ``acme.127.0.0.1`` resolves nowhere, ``acme.acme.localhost`` is no tenant.
    """
    if settings.TENANT_ROUTING != "subdomain":
        return None
    host, port = split_domain_port(request.get_host())
    if host == settings.BASE_DOMAIN:
        return None
    netloc = f"{settings.BASE_DOMAIN}:{port}" if port else settings.BASE_DOMAIN
    return f"{request.scheme}://{netloc}{request.get_full_path()}"


def how_to_name_a_tenant():
    """The sentence an error ends with, so a client that named no tenant, or a wrong one, can fix it."""
    if settings.TENANT_ROUTING == "header":
        where = f"send the {settings.TENANT_HEADER} header with its slug ({settings.TENANT_HEADER}: <slug>)"
    else:
        where = f"send the request to the tenant's host, <slug>.{settings.BASE_DOMAIN}"
    return f"To name a tenant, {where}; GET /api/v1/auth/me/ lists yours."


def unknown_tenant_detail():
    """The 404 detail for a request that names a tenant that does not exist."""
    named = f"The {settings.TENANT_HEADER} header" if settings.TENANT_ROUTING == "header" else "This host"
    return f"Unknown tenant. {named} names no tenant. {how_to_name_a_tenant()}"


def missing_tenant_detail():
    """The detail for a tenant-scoped path reached without naming a tenant."""
    return f"This path is tenant-scoped and the request names no tenant. {how_to_name_a_tenant()}"


def _tenant_from_header(request):
    slug = request.headers.get(settings.TENANT_HEADER, "").strip().lower()
    if not slug:
        return None
    tenant = tenant_cache.get_or_load(("slug", slug), lambda: Tenant.objects.customers().filter(slug=slug).first())
    if tenant is None:
        raise UnknownTenant(slug)
    return tenant


def _tenant_from_host(request):
    host, _port = split_domain_port(request.get_host())
    tenant = tenant_cache.get_or_load(("host", host), lambda: _load_tenant_of_host(host))
    if tenant is not None:
        return tenant
    if host.endswith(f".{settings.BASE_DOMAIN}"):
        raise UnknownTenant(host)
    return None


def _load_tenant_of_host(host):
    domain = Domain.objects.select_related("tenant").filter(domain=host).first()
    return domain.tenant if domain is not None else None
