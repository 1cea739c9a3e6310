"""Every error under /api/ is JSON in one shape, ``{"detail": "..."}``, whatever raised it.

DRF answers a validation error with the field errors alone (``{"name": ["..."]}``);
exception_handler adds a ``detail`` that names the first of them, so a client reads every
error the same way and the OpenAPI schema declares one error schema for every status. The
rest: Django's 404 and 500 handlers (config/urls.py), and any other non-JSON error (a 405 from
a plain view, a 400 from host validation) rewritten by ApiErrorMiddleware. A database that
fails or stalls mid-request (load_shedding/admission.py cuts stalled connections) is a 503 with
Retry-After, not a 500. A body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 that names the limit
(Django's own answer is a bare 400).
"""

import sys
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.views import defaults
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.views import exception_handler as drf_exception_handler

API_PREFIX = "/api/"
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", settings.TENANT_HEADER)
DATABASE_UNAVAILABLE = "The database is unavailable. Try again shortly."


def is_api(request):
    return request.path_info.startswith(API_PREFIX)


def service_unavailable(detail=DATABASE_UNAVAILABLE):
    """A JSON 503 that tells the client when to try again."""
    response = JsonResponse({"detail": detail}, status=503)
    response["Retry-After"] = str(settings.DB_RETRY_AFTER)
    return response


def not_found(request, exception=None):
    if is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    # Called inside Django's exception handling: sys.exc_info() is the exception being handled.
    exception = sys.exc_info()[1]
    if isinstance(exception, (OperationalError, InterfaceError)):
        return service_unavailable()
    if is_api(request):
        return JsonResponse({"detail": "A server error occurred."}, status=500)
    return defaults.server_error(request)


class ApiErrorMiddleware:
    """Rewrite any error answer under /api/ that is not JSON into ``{"detail": <reason>}``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 400 or not is_api(request):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        # A DRF error rendered by a view's own renderer (the schema's YAML, the docs' HTML) keeps its data.
        data = getattr(response, "data", None)
        if not isinstance(data, dict):
            data = {"detail": HTTPStatus(response.status_code).phrase + "."}
        rewritten = JsonResponse(data, status=response.status_code)
        for header in KEPT_HEADERS:
            if header in response:
                rewritten[header] = response[header]
        return rewritten


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"


def exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):  # Django's, when DRF reads request.body: a bare 400 otherwise
        limit = f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes (DATA_UPLOAD_MAX_MEMORY_SIZE)"
        exc = PayloadTooLarge(f"The request body is larger than the limit of {limit}.")
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, ValidationError):
        response.data = with_detail(response.data)
    return response


def with_detail(data):
    """The validation error ``data`` with a ``detail`` a person can read."""
    if isinstance(data, list):
        return {"detail": " ".join(str(message) for message in data)}
    if "detail" in data:
        return data
    field, messages = next(iter(data.items()))
    message = messages[0] if isinstance(messages, list) and messages else messages
    prefix = "" if field in ("non_field_errors", "detail") else f"{field}: "
    return {"detail": f"{prefix}{message}", **data}


class ErrorSerializer(serializers.Serializer):
    """The body of every error answer (documentation only: views never instantiate it)."""

    detail = serializers.CharField(help_text="What went wrong, for a person to read.")
