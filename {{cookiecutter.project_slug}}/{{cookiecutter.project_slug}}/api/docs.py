"""The OpenAPI schema and its browsable docs: readable by anyone, with GET or HEAD only.

OPTIONS on the docs page crashed DRF's metadata against its HTML renderer (a 500); here it is a
405 like any other method the view does not serve (made JSON by api/errors.py).
"""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView


class ApiSchemaView(SpectacularAPIView):
    http_method_names = ["get", "head"]


class ApiDocsView(SpectacularSwaggerView):
    http_method_names = ["get", "head"]
