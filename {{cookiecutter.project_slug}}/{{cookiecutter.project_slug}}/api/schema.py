"""The OpenAPI schema as the server really answers, so that a generated client is right.

drf-spectacular documents each view from its serializers; this adds what the view code does
not show: the tenant each tenant-scoped operation needs (the X-Tenant-ID header, in header
routing), the error answers of the tenant middleware, the authentication and the
permission, 413 for a request body over the size limit, and 429 once a view is throttled.
"""

from django.conf import settings
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.permissions import AllowAny

from {{ cookiecutter.project_slug }}.tenancy.middleware import is_tenant_scoped
from {{ cookiecutter.project_slug }}.tenancy.permissions import IsTenantAdmin, IsTenantMember, IsTenantOwner

from .errors import ErrorSerializer

TENANT_HEADER = OpenApiParameter(
    settings.TENANT_HEADER,
    location=OpenApiParameter.HEADER,
    required=True,
    description="The slug of the tenant this request acts in.",
)


class ErrorSchema(OpenApiSerializerExtension):
    """``Error``: ``detail`` always; on a 400, also each invalid field with its messages."""

    target_class = ErrorSerializer

    def map_serializer(self, auto_schema, direction):
        return {
            "type": "object",
            "properties": {"detail": {"type": "string", "description": "What went wrong, for a person to read."}},
            "required": ["detail"],
            "additionalProperties": {
                "description": "400 only: an invalid field (or non_field_errors) and its messages.",
                "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}],
            },
        }


class AutoSchema(SpectacularAutoSchema):
    def tenant_scoped(self):
        return is_tenant_scoped(self.path)

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if settings.TENANT_ROUTING == "header" and self.tenant_scoped():
            parameters = [TENANT_HEADER, *parameters]
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status, description in self.error_answers().items():
            if status not in responses:
                responses[status] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=description), status, direction=direction
                )
        if "429" in responses:
            responses["429"]["headers"] = {
                "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before retrying."}
            }
        return dict(sorted(responses.items()))

    def error_answers(self):
        """{status: description} of every error this operation can answer."""
        errors = {}
        tenant_scoped = self.tenant_scoped()
        bad_request = []
        reads_body = self.method in ("POST", "PUT", "PATCH") and self.get_request_serializer() is not None
        if reads_body:
            bad_request.append("invalid input: `detail` names the first problem, each field lists its own")
        if tenant_scoped and settings.TENANT_ROUTING == "header":
            bad_request.append(f"no {settings.TENANT_HEADER} header")
        parameters = self.get_override_parameters()
        if self.method == "GET" and any(getattr(p, "location", None) == OpenApiParameter.QUERY for p in parameters):
            bad_request.append("a query parameter that is not valid")
        if self.method == "GET" and self._is_list_view() and self._get_paginator() is not None:
            bad_request.append("a `limit` or `offset` that is not a whole number within range")
        if bad_request:
            errors["400"] = sentence(bad_request)
        if self.view.get_authenticators() and not all(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            errors["401"] = "No credentials, or a token that is invalid or expired."
        if any(isinstance(p, IsTenantMember) for p in self.view.get_permissions()):
            errors["403"] = forbidden(self.view.get_permissions())
        # Imported here: the probes are function views, which import this module's class.
        from {{ cookiecutter.project_slug }}.health.middleware import PROBES

        not_found = []
        if self.path not in PROBES:  # the probes answer before the tenant is resolved
            # The tenant middleware refuses a host or X-Tenant-ID that names no tenant, on every path.
            not_found.append("unknown tenant")
        if tenant_scoped and settings.TENANT_ROUTING == "subdomain":
            not_found.append("no tenant named (the base domain's host)")
        if "{" in self.path:
            not_found.append("no such object in this tenant")
        if not_found:
            errors["404"] = sentence(not_found)
        if reads_body:
            errors["413"] = (
                "The request body is larger than the limit (DATA_UPLOAD_MAX_MEMORY_SIZE); `detail` names it."
            )
        if self.view.get_throttles():
            errors["429"] = "Too many requests: retry after the Retry-After header's seconds."
        return errors


def forbidden(permissions):
    """The 403 of an operation: who may call it, and suspension (tenancy/permissions.py)."""
    if any(isinstance(p, IsTenantOwner) for p in permissions):
        who = "an owner"
    elif any(isinstance(p, IsTenantAdmin) for p in permissions):
        who = "an admin or owner"
    else:
        who = "a member"
    return f"The user is not {who} of this tenant, or the tenant is suspended."


def sentence(parts):
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."
