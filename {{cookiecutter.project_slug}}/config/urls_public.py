"""Paths that need no tenant: served on the base domain, and on every tenant's host too."""

from django.urls import path{% if cookiecutter.frontend == "react" %}, re_path{% endif %}

from {{ cookiecutter.project_slug }}.api.docs import ApiDocsView, ApiSchemaView
from {{ cookiecutter.project_slug }}.health.views import health, ready
{%- if cookiecutter.frontend == "react" %}
from {{ cookiecutter.project_slug }}.spa import APP_ROUTE, index
{%- endif %}
from {{ cookiecutter.project_slug }}.teams.invitations import AcceptInvitationView
from {{ cookiecutter.project_slug }}.teams.workspaces import WorkspaceCreateView
from {{ cookiecutter.project_slug }}.users.password_reset import PasswordResetConfirmView, PasswordResetView
from {{ cookiecutter.project_slug }}.users.signup import SignUpView
from {{ cookiecutter.project_slug }}.users.views import LogoutAllView, LogoutView, MeView, ObtainTokenView

# Under /api/ every 404 and 500 is JSON (api/errors.py); both URLConfs name the same handlers.
handler404 = "{{ cookiecutter.project_slug }}.api.errors.not_found"
handler500 = "{{ cookiecutter.project_slug }}.api.errors.server_error"

urlpatterns = [
    # Answered by HealthCheckMiddleware before routing; listed here for reverse() and docs.
    path("api/v1/health/", health, name="health"),
    path("api/v1/ready/", ready, name="ready"),
    path("api/v1/auth/token/", ObtainTokenView.as_view(), name="auth-token"),
    path("api/v1/auth/logout/", LogoutView.as_view(), name="auth-logout"),
    path("api/v1/auth/logout-all/", LogoutAllView.as_view(), name="auth-logout-all"),
    path("api/v1/auth/me/", MeView.as_view(), name="auth-me"),
    path("api/v1/auth/signup/", SignUpView.as_view(), name="auth-signup"),
    path("api/v1/auth/password-reset/", PasswordResetView.as_view(), name="auth-password-reset"),
    path("api/v1/auth/password-reset/confirm/", PasswordResetConfirmView.as_view(), name="auth-password-reset-confirm"),
    path("api/v1/tenants/", WorkspaceCreateView.as_view(), name="tenants"),
    path("api/v1/invitations/accept/", AcceptInvitationView.as_view(), name="invitation-accept"),
    path("api/v1/schema/", ApiSchemaView.as_view(), name="openapi-schema"),
    # Swagger UI from drf-spectacular-sidecar's static files: pinned, and no CDN needed.
    path("api/v1/docs/", ApiDocsView.as_view(url_name="openapi-schema"), name="api-docs"),
{%- if cookiecutter.frontend == "react" %}
    # The React front end (frontend/), built into frontend/dist/: its page at / and at each of its
    # own URLs (/sign-in, /t/acme/projects/3), so a reload or a shared link opens the same page.
    path("", index, name="frontend"),
    re_path(APP_ROUTE, index, name="frontend-route"),
{%- endif %}
]
