"""What the e2e tests import: plain helpers and clients, no fixtures (those live in conftest.py)."""

import email
import json
from dataclasses import dataclass

import pytest
from django.conf import settings

# Where test_concurrent_load.py leaves its numbers for the run's summary (conftest.py prints them).
LOAD_REPORT = pytest.StashKey[list]()


def browser_context_options(deployment, slug):
    """Options of a browser context that opens tenant ``slug``.

    Subdomain routing opens http://<slug>.localhost:<port>; header routing opens
    http://localhost:<port> and sends X-Tenant-ID: <slug> with every request.
    """
    options = {"base_url": deployment.origin(slug)}
    if deployment.routing == "header":
        options["extra_http_headers"] = {settings.TENANT_HEADER: slug}
    return options


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict

    def json(self):
        return json.loads(self.body)


class ApiClient:
    """Requests to the server through Playwright's APIRequestContext, as one caller.

    Every answer is checked: not one byte of a marker the caller must not see, in the body or
    in any header, whatever the status.
    """

    def __init__(self, context, hidden_markers, caller):
        self.context = context
        self.hidden_markers = hidden_markers
        self.caller = caller

    def request(self, method, path, body=None):
        response = self.context.fetch(path, method=method, data=body, max_redirects=0)
        answer = Answer(response.status, response.body(), response.headers)
        headers = json.dumps(answer.headers).encode()
        for marker in self.hidden_markers:
            assert marker.encode() not in answer.body, f"LEAK: {marker} in the body of {method} {path} {self.caller}"
            assert marker.encode() not in headers, f"LEAK: {marker} in the headers of {method} {path} {self.caller}"
        return answer

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, body):
        return self.request("POST", path, body)

    def put(self, path, body):
        return self.request("PUT", path, body)

    def patch(self, path, body):
        return self.request("PATCH", path, body)

    def delete(self, path):
        return self.request("DELETE", path)


def mails_to(mail_dir, address):
    """Every mail sent to ``address`` in ``mail_dir`` (EMAIL_URL=filemail://...), oldest first.

    Django's file backend writes each connection's messages to a file of its own, each message
    followed by a line of 79 dashes.
    """
    found = []
    for path in sorted(mail_dir.glob("*.log"), key=lambda each: each.stat().st_mtime_ns):
        for text in path.read_text().split("\n" + "-" * 79 + "\n"):
            if text.strip():
                message = email.message_from_string(text)
                if address in message.get_all("To", []):
                    found.append(message)
    return found
