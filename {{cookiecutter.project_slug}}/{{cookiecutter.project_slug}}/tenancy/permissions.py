"""Membership decides access: a valid user of another tenant is still refused (403)."""

from rest_framework.permissions import BasePermission

from .models import Membership

ADMIN_ROLES = (Membership.Role.OWNER, Membership.Role.ADMIN)


def is_member(user, tenant, roles=None):
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
        return is_member(request.user, getattr(request, "tenant", None))
