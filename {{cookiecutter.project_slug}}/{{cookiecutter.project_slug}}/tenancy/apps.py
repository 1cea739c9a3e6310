from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class TenancyConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.tenancy"
    label = "tenancy"
    verbose_name = "Tenancy"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import (
            checks,  # noqa: F401 - registers the system checks
            tenant_cache,
        )
        from .models import Domain, Tenant

        # A renamed, re-routed or deleted tenant is never served from this process's cache.
        for model in (Tenant, Domain):
            post_save.connect(tenant_cache.clear, sender=model, dispatch_uid=f"tenant_cache_{model.__name__}_saved")
            post_delete.connect(tenant_cache.clear, sender=model, dispatch_uid=f"tenant_cache_{model.__name__}_deleted")


class TenantAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with a site that only a member of the request's tenant may use."""

    default = False  # listed by its full path in INSTALLED_APPS
    default_site = "{{ cookiecutter.project_slug }}.tenancy.admin_site.TenantAdminSite"
