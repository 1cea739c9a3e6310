from django.apps import AppConfig


class TeamsConfig(AppConfig):
    """Who belongs to a tenant and how they join it: tables of no tenant, like the users' table."""

    name = "{{ cookiecutter.project_slug }}.teams"
    label = "teams"
    verbose_name = "Teams"
