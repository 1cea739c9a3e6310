"""One error body for the whole API: ``{"detail": "..."}``, plus field errors on a 400.

DRF answers a validation error with the field errors alone (``{"name": ["..."]}``); the
handler below adds a ``detail`` that names the first of them, so a client reads every error
the same way, and the OpenAPI schema declares one error schema for every status.
"""

from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
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
