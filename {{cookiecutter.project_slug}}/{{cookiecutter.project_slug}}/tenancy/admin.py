"""Base class for the admin of tenant-scoped models.

Permissions come from the user's membership in the request's tenant, not from Django's
global permission table, so an owner administers exactly their own tenant's data.
"""

from django.apps import apps
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


def hide_the_queue_from_tenant_admins():
    """procrastinate registers its job tables in the default admin site, the tenant admin here.

    Jobs are the platform's, shared by every tenant: no tenant's admin may list them.
    """
    import procrastinate.contrib.django.admin  # noqa: F401 - registers them, so that we can unregister

    for model in apps.get_app_config("procrastinate").get_models():
        if admin.site.is_registered(model):
            admin.site.unregister(model)


hide_the_queue_from_tenant_admins()
