"""JSON input that can never crash a view: bounded depth, finite numbers only.

Size is bounded before parsing: Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE (400).
"""

import json
import math

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# Deeper than any real payload of this API; 100,000 levels would exhaust Python's stack.
MAX_JSON_DEPTH = 32


def _finite_float(text):
    value = float(text)
    if not math.isfinite(value):  # 1e999 parses to inf; no model field can store it
        raise ValueError(f"number out of range: {text}")
    return value


def _reject_constant(name):
    raise ValueError(f"{name} is not valid JSON")


def _depth_exceeds(data, limit):
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(value, dict):
            stack.extend((child, depth + 1) for child in value.values())
        elif isinstance(value, list):
            stack.extend((child, depth + 1) for child in value)
    return False


class StrictJSONParser(JSONParser):
    """DRF's JSONParser, but every malformed, too deep or non-finite body is a 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(raw.decode(encoding), parse_float=_finite_float, parse_constant=_reject_constant)
        except RecursionError as exc:
            raise ParseError(f"JSON parse error: nested deeper than {MAX_JSON_DEPTH} levels.") from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(f"JSON parse error: {exc}") from exc
        if _depth_exceeds(data, MAX_JSON_DEPTH):
            raise ParseError(f"JSON parse error: nested deeper than {MAX_JSON_DEPTH} levels.")
        return data
