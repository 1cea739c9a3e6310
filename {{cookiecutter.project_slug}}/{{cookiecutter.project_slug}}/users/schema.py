"""How the OpenAPI schema describes the project's token authentication."""

from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme


class ExpiringTokenScheme(KnoxTokenScheme):
    """knox's scheme (``Authorization: Token <token>``), for its subclass in users/authentication.py."""

    target_class = "{{ cookiecutter.project_slug }}.users.authentication.ExpiringTokenAuthentication"
    name = "tokenAuth"
