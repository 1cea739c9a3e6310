"""Recording an action in the tenant's audit trail: one call, ``record(action, target)``.

Inside a request, the tenant, the actor (the signed-in user) and the request id come from the
request; elsewhere (a command, a background job) from the arguments, or the current tenant
(tenant_context). The entry is written in the caller's transaction: inside a request, a
failure to record raises and fails the whole request, the action it records included. An
action that happened without its entry would be the hole the trail exists to close.
"""

from {{ cookiecutter.project_slug }}.api.request_log import current_request
from {{ cookiecutter.project_slug }}.tenancy.isolation import current_tenant, tenant_context

from .models import AuditEntry


def record(action, target, *, actor=None, tenant=None, request=None, detail=None):
    """Append an entry to a tenant's trail and return it.

    ``action``: what happened, ``"<thing>.<past tense>"`` (``"project.deleted"``); ``target``:
    what it happened to, readable (a name, an email, a slug); ``actor``: a user or an email
    (default: the request's user; none outside a request); ``tenant``: default the request's,
    else the current tenant; ``request``: default the request being served; ``detail``: any
    JSON-serializable dict. Raises when no tenant is known, never records silently nowhere.
    """
    request = getattr(request, "_request", request) or current_request()
    if request is not None:
        tenant = tenant or getattr(request, "tenant", None)
        user = getattr(request, "user", None)
        if actor is None and user is not None and user.is_authenticated:
            actor = user
    tenant = tenant or current_tenant()
    if tenant is None:
        raise ValueError(f"record({action!r}) has no tenant: pass tenant=, or call it inside tenant_context().")
    entry = AuditEntry(
        actor=getattr(actor, "email", actor) or "",
        action=action,
        target=str(target),
        request_id=getattr(request, "request_id", "") or "",
        detail=detail or {},
    )
    if _is_current(tenant):
        entry.save(force_insert=True)
    else:
        with tenant_context(tenant):
            entry.save(force_insert=True)
    return entry


def _is_current(tenant):
    current = current_tenant()
    return current is not None and current.pk == tenant.pk
