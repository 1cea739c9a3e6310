from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    """The example tenant-scoped app: copy its shape when you add your own."""

    name = "{{ cookiecutter.project_slug }}.projects"
    label = "projects"
    verbose_name = "Projects"
