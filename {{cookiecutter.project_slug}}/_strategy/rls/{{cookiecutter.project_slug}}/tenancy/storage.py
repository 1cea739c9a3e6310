"""Each tenant's part of the stores tenants share: uploads under MEDIA_ROOT/<tenant slug>/, and
cache keys prefixed by the tenant, so one tenant never reads another's file or cache entry."""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage

from .isolation import current_tenant


def _tenant_slug():
    tenant = current_tenant()
    if tenant is None:
        raise ImproperlyConfigured("Tenant media was used outside tenant_context(); there is no tenant folder.")
    return tenant.slug


class TenantFileSystemStorage(FileSystemStorage):
    # Properties, not FileSystemStorage's cached values: the folder changes with the tenant.
    @property
    def base_location(self):
        return os.path.join(settings.MEDIA_ROOT, _tenant_slug())

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return f"{settings.MEDIA_URL}{_tenant_slug()}/"


def make_cache_key(key, key_prefix, version):
    """CACHES' KEY_FUNCTION: the current tenant in every key."""
    tenant = current_tenant()
    scope = f"tenant-{tenant.pk}" if tenant is not None else "public"
    return f"{scope}:{key_prefix}:{version}:{key}"
