"""Membership decides access: a valid user of another tenant is still refused (403), and so is
every member of a suspended tenant."""

from django.db.models import OuterRef, Subquery
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from .models import Membership

ADMIN_ROLES = (Membership.Role.OWNER, Membership.Role.ADMIN)
SUSPENDED = "This tenant is suspended."


def role_in(tenant):
    """A subquery for a query of rows with a ``user`` (knox's tokens): that user's role in ``tenant``.

    So that authentication fetches the role with the user, in the same statement
    (users/authentication.py), and remembers it for the permission checks (remember_role).
    """
    return Subquery(Membership.objects.filter(user=OuterRef("user"), tenant=tenant).values("role")[:1])


def remember_role(request, user, tenant, role):
    """Keep ``user``'s role in ``tenant`` (None: not a member) for the rest of this request."""
    http_request = getattr(request, "_request", request)
    http_request._tenant_membership = ((user.pk, tenant.pk), role)


def membership_role(request, user, tenant):
    """The role of ``user`` in ``tenant`` (None: not a member), looked up once per request.

    Kept on the request (Django's, beneath DRF's), keyed by user and tenant: every permission
    check of the request reuses it, whichever authentication class found the user, and it is
    never reused by another request, so a removed membership takes effect on the next one.
    """
    if tenant is None or not user.is_authenticated or not user.is_active:
        return None
    cached = getattr(getattr(request, "_request", request), "_tenant_membership", None)
    if cached is not None and cached[0] == (user.pk, tenant.pk):
        return cached[1]
    role = Membership.objects.filter(user=user, tenant=tenant).values_list("role", flat=True).first()
    remember_role(request, user, tenant, role)
    return role


def is_member(user, tenant, roles=None, request=None):
    if request is not None:
        role = membership_role(request, user, tenant)
        return role is not None and (roles is None or role in roles)
    if tenant is None or not user.is_authenticated or not user.is_active:
        return False
    memberships = Membership.objects.filter(user=user, tenant=tenant)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return memberships.exists()


class IsTenantMember(BasePermission):
    """The default permission of every API view: an authenticated member of the request's tenant."""

    message = "You are not a member of this tenant."

    def has_permission(self, request, view):
        if not request.user.is_authenticated:
            return False  # DRF turns this into 401 with a WWW-Authenticate header
        tenant = getattr(request, "tenant", None)
        if not is_member(request.user, tenant, request=request):
            # Raised, not returned: a subclass's message is about roles, which a non-member has none of.
            raise PermissionDenied(IsTenantMember.message)
        # Told to members only: to anyone else the tenant answers as to any non-member.
        if tenant.suspended_at is not None:
            raise PermissionDenied(SUSPENDED)
        return True


class IsTenantAdmin(IsTenantMember):
    """An admin or owner of the request's tenant: manages invitations and members, reads the audit trail."""

    message = "Only an admin or owner of this tenant can do this."

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        return membership_role(request, request.user, request.tenant) in ADMIN_ROLES


class IsTenantOwner(IsTenantMember):
    """An owner of the request's tenant: also changes roles and deletes the tenant."""

    message = "Only an owner of this tenant can do this."

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        return membership_role(request, request.user, request.tenant) == Membership.Role.OWNER
