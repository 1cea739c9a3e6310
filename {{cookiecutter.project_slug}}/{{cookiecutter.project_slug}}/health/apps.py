from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.health"
    label = "health"
    verbose_name = "Health and readiness"
