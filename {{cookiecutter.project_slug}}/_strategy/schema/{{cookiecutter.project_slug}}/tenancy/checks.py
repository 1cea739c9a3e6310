"""System checks for the schema strategy's wiring."""

from django.conf import settings
from django.core.checks import Error, register


@register("tenancy")
def tenancy_commands_win(app_configs, **kwargs):
    """django-tenants ships its own create_tenant and delete_tenant; ours must be the ones that run."""
    apps = settings.INSTALLED_APPS
    ours = next(i for i, app in enumerate(apps) if app.endswith(".tenancy"))
    if ours > apps.index("django_tenants"):
        return [
            Error(
                "The tenancy app must come before django_tenants in INSTALLED_APPS.",
                hint="Otherwise django-tenants' create_tenant and delete_tenant replace the project's.",
                id="tenancy.E001",
            )
        ]
    return []
