from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.users"
    label = "users"
    verbose_name = "Users"

    def ready(self):
        from . import schema  # noqa: F401 - registers the token scheme with drf-spectacular
