from django.apps import AppConfig


class TeamsConfig(AppConfig):
    """Workspaces, members and their roles, invitations, suspension: a tenant run by its own users."""

    name = "{{ cookiecutter.project_slug }}.teams"
    label = "teams"
    verbose_name = "Teams"
