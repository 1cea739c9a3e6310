"""Paths that need no tenant: served on the base domain, and on every tenant's host too."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from {{ cookiecutter.project_slug }}.health.views import health, ready
{%- if cookiecutter.frontend == "react" %}
from {{ cookiecutter.project_slug }}.spa import index
{%- endif %}
from {{ cookiecutter.project_slug }}.users.views import MeView, ObtainTokenView

urlpatterns = [
    # Answered by HealthCheckMiddleware before routing; listed here for reverse() and docs.
    path("api/v1/health/", health, name="health"),
    path("api/v1/ready/", ready, name="ready"),
    path("api/v1/auth/token/", ObtainTokenView.as_view(), name="auth-token"),
    path("api/v1/auth/me/", MeView.as_view(), name="auth-me"),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="openapi-schema"),
    # Swagger UI from drf-spectacular-sidecar's static files: pinned, and no CDN needed.
    path("api/v1/docs/", SpectacularSwaggerView.as_view(url_name="openapi-schema"), name="api-docs"),
{%- if cookiecutter.frontend == "react" %}
    # The React front end (frontend/), built into frontend/dist/.
    path("", index, name="frontend"),
{%- endif %}
]
