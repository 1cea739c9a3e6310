"""Every path: the public ones and the tenant-scoped ones (API and admin).

TenantMiddleware routes a request that names no tenant to config.urls_public instead, so a
tenant-scoped path can never run without a tenant.
"""

from django.contrib import admin
from django.urls import include, path

from config.urls_public import handler404, handler500  # noqa: F401 - Django reads them from here
from config.urls_public import urlpatterns as public_urlpatterns

urlpatterns = [
    *public_urlpatterns,
    path("api/v1/", include("{{ cookiecutter.project_slug }}.projects.urls")),
    path("api/v1/", include("{{ cookiecutter.project_slug }}.teams.urls")),
    path("api/v1/", include("{{ cookiecutter.project_slug }}.audit.urls")),
    path("admin/", admin.site.urls),
]
