"""Schemathesis fuzzes every operation of the OpenAPI schema against the running server.

Bounded: EXAMPLES valid and EXAMPLES invalid cases per operation (about 500 requests in
all), as the owner of the fuzzer's own tenant (initech), so whatever it creates, changes or
deletes stays there. Every answer is checked: no 5xx, and not one byte of another tenant's
marker. Logout is left out (it would end the fuzzer's token; test_auth.py covers it).

``CHECKS`` names what each answer must pass: no 5xx, and a status that the schema documents
for the operation (api/schema.py documents every error status an operation can answer), so a
client generated from the schema is never surprised.
"""

import json

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.generation.modes import GenerationMode

from .deployment import http_request
from .support import LOAD_REPORT

pytestmark = pytest.mark.e2e

EXAMPLES = 20
FUZZ_TENANT = "initech"
LEFT_OUT = ("/api/v1/auth/logout/", "/api/v1/auth/logout-all/")


def no_server_error(case, response):
    if response.status_code >= 500:
        return f"{response.status_code} {response.text[:200]}"
    return None


def documented_status(case, response):
    documented = case.operation.responses.status_codes
    if "default" in documented or str(response.status_code) in documented:
        return None
    return f"{response.status_code} is not documented (documented: {', '.join(documented)})"


CHECKS = {"no-server-error": no_server_error, "documented-status": documented_status}


@pytest.fixture(scope="module")
def api_schema(deployment):
    status, body, _headers = http_request(deployment.port, "GET", "/api/v1/schema/?format=json", {"Host": "127.0.0.1"})
    assert status == 200, body[:500]
    return schemathesis.openapi.from_dict(json.loads(body))


def operations(schema):
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path not in LEFT_OUT:
            yield operation


def modes(operation):
    """Valid cases always; invalid ones where there is input to break (parameters or a body)."""
    has_input = any(len(part) for part in (operation.path_parameters, operation.query, operation.body))
    return [GenerationMode.POSITIVE, GenerationMode.NEGATIVE] if has_input else [GenerationMode.POSITIVE]


def fuzz(operation, mode, send):
    """Run EXAMPLES cases of ``operation`` in ``mode`` through ``send``."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        send(case, mode)

    run()


def test_the_fuzzer_finds_no_failing_answer(deployment, api_schema, token_of, request):
    tenant = deployment.tenants[FUZZ_TENANT]
    headers = {**deployment.tenant_headers(FUZZ_TENANT), "Authorization": f"Token {token_of(tenant.owner_email)}"}
    hidden = [each.marker for slug, each in deployment.tenants.items() if slug != FUZZ_TENANT]
    session = requests.Session()
    sent = []
    failures = []

    def send(case, mode):
        response = case.call(base_url=deployment.api_url, session=session, headers=headers, timeout=30)
        sent.append((case.operation.label, response.status_code))
        for name, check in CHECKS.items():
            problem = check(case, response)
            if problem:
                failures.append(f"{name}: {case.method} {case.formatted_path} ({mode}): {problem}")
        for marker in hidden:
            if marker in response.text:
                failures.append(f"LEAK: {marker} in {case.method} {case.formatted_path}")

    for operation in operations(api_schema):
        for mode in modes(operation):
            fuzz(operation, mode, send)

    statuses = {}
    for _label, status in sent:
        statuses[status] = statuses.get(status, 0) + 1
    request.config.stash.setdefault(LOAD_REPORT, []).append(
        f"API fuzzer: {len(sent)} requests over {len({label for label, _ in sent})} operations, "
        f"statuses {dict(sorted(statuses.items()))}, {len(failures)} failure(s)"
    )
    assert sent, "the fuzzer sent nothing"
    assert not failures, f"{len(failures)} failing answer(s):\n" + "\n".join(sorted(set(failures))[:40])
