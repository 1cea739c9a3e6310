from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class TenancyConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.tenancy"
    label = "tenancy"
    verbose_name = "Tenancy"

    def ready(self):
        from . import checks  # noqa: F401 - registers the system checks


class TenantAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with a site that only a member of the request's tenant may use."""

    default = False  # listed by its full path in INSTALLED_APPS
    default_site = "{{ cookiecutter.project_slug }}.tenancy.admin_site.TenantAdminSite"
