"""Fixtures of the end-to-end isolation suite: the deployed server, browsers and API clients.

One server for the whole session (see deployment.py): gunicorn with production settings on
a fresh database, two tenants with their owners, and one marker-named object per tenant and
endpoint. Every API answer is checked for the markers of tenants the caller must not see.
The helpers that e2e tests import are in tests/e2e/support.py.
"""

import os

import pytest

from ..support import PASSWORD
from .deployment import deploy
from .support import LOAD_REPORT, ApiClient, browser_context_options

# Flags for a system Chromium in a container: no sandbox (root, no user namespaces), and none
# of the background traffic a headless test browser has no use for.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def deployment(tmp_path_factory):
    running = deploy(tmp_path_factory.mktemp("e2e-server"))
    yield running
    running.stop()
    errors = running.server_errors()
    if errors:
        pytest.fail(f"The server answered {len(errors)} request(s) with 5xx:\n" + "\n".join(errors[:20]))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Chromium from PLAYWRIGHT_CHROMIUM_EXECUTABLE when it is set; Playwright's own otherwise."""
    options = {**browser_type_launch_args, "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS]}
    executable = os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE")
    if executable:
        if not os.access(executable, os.X_OK):
            pytest.fail(
                f"PLAYWRIGHT_CHROMIUM_EXECUTABLE={executable} is not an executable file. Point it at a "
                "Chromium, or unset it and run `make browser` to use Playwright's own.",
                pytrace=False,
            )
        options["executable_path"] = executable
    return options


@pytest.fixture
def tenant_browser(new_context, deployment):
    """tenant_browser(slug): a new browser context (no cookies yet) whose pages open tenant ``slug``."""

    def open_tenant(slug):
        context = new_context(**browser_context_options(deployment, slug))
        context.set_default_timeout(15_000)
        return context

    return open_tenant


@pytest.fixture(scope="session")
def obtain_token(playwright, deployment):
    """obtain_token(email): a new request for the user's API token, as a client makes it."""
    context = playwright.request.new_context(base_url=deployment.api_url)

    def obtain(email):
        response = context.post(
            "/api/v1/auth/token/",
            data={"email": email, "password": PASSWORD},
            headers={"Host": deployment.host()},
        )
        assert response.status == 200, f"token for {email}: {response.status} {response.text()}"
        return response.json()["token"]

    yield obtain
    context.dispose()


@pytest.fixture(scope="session")
def token_of(obtain_token):
    """token_of(email): the user's API token, requested once per session (sign-ins are slow by design)."""
    tokens = {}

    def token(email):
        if email not in tokens:
            tokens[email] = obtain_token(email)
        return tokens[email]

    return token


@pytest.fixture(scope="session")
def api(playwright, deployment, token_of):
    """api(tenant, user=None, token=None): a client naming ``tenant`` (None: no tenant).

    It authenticates with ``token`` when given, else with ``user``'s token (one per user for
    the session), else not at all. It may see the marker of ``tenant`` only, and only when
    ``user`` is a member of it.
    """
    clients = {}

    def client(tenant, user=None, token=None):
        if user is not None and token is None:
            token = token_of(user)
        key = (tenant, user, token)
        if key not in clients:
            headers = deployment.tenant_headers(tenant)
            if token is not None:
                headers["Authorization"] = f"Token {token}"
            context = playwright.request.new_context(base_url=deployment.api_url, extra_http_headers=headers)
            hidden = deployment.markers_hidden_from(tenant, user)
            clients[key] = ApiClient(
                context, hidden, f"(tenant={tenant}, user={user}, token={'yes' if token else 'no'})"
            )
        return clients[key]

    yield client
    for each in clients.values():
        each.context.dispose()


def pytest_terminal_summary(terminalreporter, config):
    """The concurrent load's numbers, in the summary of every run (not only with -s)."""
    lines = config.stash.get(LOAD_REPORT, [])
    if lines:
        terminalreporter.section("e2e concurrent load")
        for line in lines:
            terminalreporter.write_line(line)
