"""Cache keys carry the current tenant, so one tenant never reads another's cache entry."""

from .isolation import current_tenant


def make_key(key, key_prefix, version):
    tenant = current_tenant()
    scope = f"tenant-{tenant.pk}" if tenant is not None else "public"
    return f"{scope}:{key_prefix}:{version}:{key}"
