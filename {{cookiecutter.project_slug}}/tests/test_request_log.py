"""One JSON line per request, and the request id and tenant on every line written while serving it."""

import io
import json
import logging

import pytest

from {{ cookiecutter.project_slug }}.api.request_log import JsonFormatter, RequestContextFilter


@pytest.fixture
def log_lines():
    """The JSON lines every logger writes during the test, as production's console handler formats them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def test_each_request_writes_one_line_with_its_id_tenant_user_status_and_duration(api, acme, log_lines):
    client = api("acme", acme.owner)  # signs in: a request line of its own
    response = client.get("/api/v1/projects/")
    assert response.status_code == 200
    request_lines = [line for line in log_lines() if line["logger"].endswith(".requests") and line["method"] == "GET"]
    assert len(request_lines) == 1
    line = request_lines[0]
    assert line["request_id"] == response["X-Request-ID"]
    assert line["tenant"] == "acme"
    assert line["user_id"] == acme.owner.pk
    assert line["status"] == 200
    assert line["duration_ms"] >= 0
    assert line["path"] == "/api/v1/projects/"


def test_other_lines_while_serving_carry_the_request_id_and_tenant(api, acme, log_lines):
    # Django's own "Not Found" warning is written while the request is served.
    response = api("acme", acme.owner).get("/api/v1/projects/987654321/")
    assert response.status_code == 404
    django_lines = [line for line in log_lines() if line["logger"] == "django.request"]
    assert django_lines, log_lines()
    for line in django_lines:
        assert line["request_id"] == response["X-Request-ID"]
        assert line["tenant"] == "acme"


def test_a_plain_caller_request_id_is_kept_and_anything_else_replaced(api, acme, log_lines):
    client = api("acme", acme.owner)
    assert client.get("/api/v1/projects/", HTTP_X_REQUEST_ID="lb-trace-0042")["X-Request-ID"] == "lb-trace-0042"
    forged = client.get("/api/v1/projects/", HTTP_X_REQUEST_ID='x" injected\\n{"level": "ERROR"}')["X-Request-ID"]
    assert "injected" not in forged
    assert len(forged) == 32


def test_lines_outside_a_request_have_no_request_id(log_lines):
    logging.getLogger("{{ cookiecutter.project_slug }}.test").warning("outside")
    (line,) = [line for line in log_lines() if line["message"] == "outside"]
    assert line["request_id"] is None
    assert line["tenant"] is None
