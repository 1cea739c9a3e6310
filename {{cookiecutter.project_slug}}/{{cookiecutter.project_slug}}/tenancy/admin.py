"""Base class for the admin of tenant-scoped models.

Permissions come from the user's membership in the request's tenant, not from Django's
global permission table, so an owner administers exactly their own tenant's data.
"""

from django.contrib import admin


class TenantModelAdmin(admin.ModelAdmin):
    def _administers_tenant(self, request):
        return self.admin_site.has_permission(request)

    def has_module_permission(self, request):
        return self._administers_tenant(request)

    def has_view_permission(self, request, obj=None):
        return self._administers_tenant(request)

    def has_add_permission(self, request):
        return self._administers_tenant(request)

    def has_change_permission(self, request, obj=None):
        return self._administers_tenant(request)

    def has_delete_permission(self, request, obj=None):
        return self._administers_tenant(request)
