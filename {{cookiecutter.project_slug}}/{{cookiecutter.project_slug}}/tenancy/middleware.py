"""Resolve the request's tenant and run the rest of the request inside it.

A request that names no tenant is served by the public URLConf, which has no tenant-scoped
path, so tenant data can never be reached without a tenant.
"""

from django.conf import settings
from django.http import JsonResponse
from django.urls import Resolver404, resolve

from .isolation import tenant_context
from .routing import UnknownTenant, status_without_tenant, tenant_for_request

MISSING_TENANT = {
    400: f"This path is tenant-scoped: send the {settings.TENANT_HEADER} header with the tenant's slug.",
    404: "Unknown tenant.",
}


class TenantMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            tenant = tenant_for_request(request)
        except UnknownTenant:
            return JsonResponse({"detail": "Unknown tenant."}, status=404)
        request.tenant = tenant
        if tenant is None:
            if is_tenant_scoped(request.path_info):
                status = status_without_tenant()
                return JsonResponse({"detail": MISSING_TENANT[status]}, status=status)
            request.urlconf = settings.PUBLIC_URLCONF
            return self.get_response(request)
        with tenant_context(tenant):
            response = self.get_response(request)
        response[settings.TENANT_HEADER] = tenant.slug
        return response


def is_tenant_scoped(path):
    """True for a path that only the tenant URLConf serves."""
    return _resolves(path, settings.ROOT_URLCONF) and not _resolves(path, settings.PUBLIC_URLCONF)


def _resolves(path, urlconf):
    try:
        resolve(path, urlconf=urlconf)
    except Resolver404:
        return False
    return True
