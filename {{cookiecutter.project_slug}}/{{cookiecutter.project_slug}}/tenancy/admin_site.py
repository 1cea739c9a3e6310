"""The admin site, scoped to the request's tenant and open only to its owners and admins."""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError

from .permissions import ADMIN_ROLES, SUSPENDED, is_member


class TenantAuthenticationForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user):
        tenant = getattr(self.request, "tenant", None)
        if not is_member(user, tenant, roles=ADMIN_ROLES):
            raise ValidationError("This account does not administer this tenant.", code="not_a_member")
        if tenant.suspended_at is not None:
            raise ValidationError(SUSPENDED, code="suspended")


class TenantAdminSite(admin.AdminSite):
    site_header = "{{ cookiecutter.project_name }} administration"
    site_title = "{{ cookiecutter.project_name }}"
    login_form = TenantAuthenticationForm

    def has_permission(self, request):
        return is_member(request.user, getattr(request, "tenant", None), roles=ADMIN_ROLES, request=request)

    def admin_view(self, view, cacheable=False):
        """A signed-in user who does not administer this tenant gets 403, not a login page."""
        inner = super().admin_view(view, cacheable)
        if view == self.logout:
            return inner

        def guarded(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied("You do not administer this tenant.")
            if request.user.is_authenticated and request.tenant.suspended_at is not None:
                raise PermissionDenied(SUSPENDED)
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, inner)
