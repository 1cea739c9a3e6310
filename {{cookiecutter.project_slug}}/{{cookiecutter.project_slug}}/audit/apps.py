from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The audit trail: who did what in a tenant, kept by the database against change."""

    name = "{{ cookiecutter.project_slug }}.audit"
    label = "audit"
    verbose_name = "Audit trail"
