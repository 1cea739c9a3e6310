"""Resolve the request's tenant and run the rest of the request inside it.

A request that names no tenant is served by the public URLConf, which has no tenant-scoped
path, so tenant data can never be reached without a tenant.
"""

from django.conf import settings
from django.http import JsonResponse
from django.urls import Resolver404, resolve

from .connection_recycling import note_tenant
from .isolation import tenant_context
from .routing import (
    UnknownTenant,
    missing_tenant_detail,
    status_without_tenant,
    tenant_for_request,
    unknown_tenant_detail,
)


class TenantMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            tenant = tenant_for_request(request)
        except UnknownTenant:
            return JsonResponse({"detail": unknown_tenant_detail()}, status=404)
        request.tenant = tenant
        if tenant is None:
            if is_tenant_scoped(request.path_info):
                return JsonResponse({"detail": missing_tenant_detail()}, status=status_without_tenant())
            request.urlconf = settings.PUBLIC_URLCONF
            return self.get_response(request)
        with tenant_context(tenant):
            note_tenant(tenant)
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
