"""The React front end as one person uses it in a real browser: what the front-end tests import.

Every API answer the app receives is kept, so a test can search them (and the page) for the
markers its user must not see; ``check_accessibility`` runs axe-core on the page as drawn.
"""

import json
import time
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import Error as PlaywrightError

from ..support import PASSWORD

# axe-core, the engine every axe tool wraps, as package-lock.json pins it (make frontend-install).
AXE = settings.BASE_DIR / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
# How long a page's API calls may take to be answered before a test moves on (full page loads).
SETTLE_SECONDS = 15


def require_built_front_end():
    """Fails at once, saying what to run, when the app or axe-core is not there to test."""
    if not (settings.FRONTEND_DIST / "index.html").is_file():
        pytest.fail("frontend/dist/ is not built: run `make frontend-build` (make test does).", pytrace=False)
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make frontend-install` (make test does).", pytrace=False)


class AppSession:
    """One person in the app: a fresh browser context on ``origin`` (the server's base origin by default)."""

    def __init__(self, new_context, deployment, origin=None):
        self.deployment = deployment
        self.context = new_context(base_url=origin or deployment.origin(None))
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        # [response, body] of every API call the app made. The response is kept the moment its event
        # arrives and the body read after: reading it first lets the test run on (and count the
        # answers) before this handler has kept the one the page already drew.
        self.answers = []
        self.page.on("response", self.record)
        # The API calls on their way: a full page load while one is would discard its answer's body.
        self.in_flight = set()
        self.page.on("request", self.sent)
        self.page.on("requestfinished", self.answered)
        self.page.on("requestfailed", self.answered)

    def sign_in(self, email, path="/", password=PASSWORD):
        """Open ``path`` signed out, sign in on the page it sends to, and come back to ``path``."""
        self.page.goto(path)
        self.page.wait_for_url("**/sign-in**")
        self.check_accessibility()
        self.fill_sign_in(email, password)
        self.page.wait_for_url(lambda url: "/sign-in" not in url)
        return self

    def fill_sign_in(self, email, password=PASSWORD):
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in", exact=True).click()

    def sent(self, request):
        if request.resource_type in ("fetch", "xhr"):
            self.in_flight.add(request)

    def answered(self, request):
        self.in_flight.discard(request)

    def record(self, response):
        if response.request.resource_type in ("fetch", "xhr"):
            answer = [response, None]
            self.answers.append(answer)
            if response.status in (204, 304):
                answer[1] = b""  # those have none to read
                return
            try:
                answer[1] = response.body()
            except PlaywrightError:
                pass  # the page left before it was read (a full load discards it): body_of() asks again

    def body_of(self, answer):
        """An answer's body. One the browser discarded before it was read is asked for again: the
        same GET, with the same headers (token, tenant); a discarded write's answer fails the test."""
        response, body = answer
        if body is not None:
            return body
        try:
            return response.body()
        except PlaywrightError:
            request = response.request
            assert request.method in ("GET", "HEAD"), f"the answer to {request.method} {request.url} was never read"
            return self.context.request.fetch(request).body()

    def settle(self):
        """Every answer drawn and its body kept: a full page load discards the bodies of the page before.

        The load state alone is not enough: after the first load, "networkidle" is reached already,
        while a page drawn by the app (a link followed, Back) may still be fetching.
        """
        self.page.wait_for_load_state("networkidle")
        deadline = time.monotonic() + SETTLE_SECONDS
        while self.in_flight:
            assert time.monotonic() < deadline, f"API calls still unanswered: {[r.url for r in self.in_flight]}"
            self.page.wait_for_timeout(50)  # lets Playwright deliver the events that empty in_flight
        for answer in self.answers:
            answer[1] = self.body_of(answer)

    def goto(self, path):
        """Open ``path`` of the app as a typed or shared link (a full page load, on the page's own origin)."""
        self.settle()
        self.page.goto(urljoin(self.page.url, path))

    def reload(self):
        self.settle()
        self.page.reload()

    def path(self):
        return urlsplit(self.page.url).path

    def open_tenant(self, slug):
        """Through the tenant switcher, on any page."""
        self.switcher().select_option(slug)
        self.projects_heading().wait_for()
        assert self.path() == f"/t/{slug}/projects"

    def projects_heading(self):
        return self.page.get_by_role("heading", name="Projects", exact=True)

    def projects(self):
        return self.page.get_by_role("list", name="Project list")

    def tasks(self):
        return self.page.get_by_role("list", name="Task list")

    def alert(self):
        return self.page.get_by_role("alert")

    def dialog(self):
        return self.page.get_by_role("dialog")

    def switcher(self):
        return self.page.get_by_role("combobox", name="Tenant", exact=True)

    def switcher_offers(self):
        return self.switcher().locator("option").evaluate_all("options => options.map(o => o.value)")

    def check_accessibility(self):
        """axe-core on the page as it is drawn now: any violation fails, named with its nodes."""
        self.page.wait_for_selector("[aria-busy='true']", state="detached")
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            self.page.add_script_tag(path=AXE)
        violations = self.page.evaluate(
            """async () => (await axe.run(document)).violations.map(
                (v) => ({id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(' '))}))"""
        )
        assert not violations, f"axe-core on {self.page.url}:\n{json.dumps(violations, indent=2)}"

    def assert_never_shown(self, *markers):
        """No marker in the page, nor in any answer the app received (API calls included)."""
        html = self.page.content()
        for marker in markers:
            assert marker not in html, f"LEAK: {marker} in the page"
        assert self.answers, "the app made no API call"
        for answer, body in self.answers:
            body = self.body_of([answer, body])
            for marker in markers:
                assert marker.encode() not in body, f"LEAK: {marker} in {answer.request.method} {answer.url}"

    def token(self):
        return self.page.evaluate("() => sessionStorage.getItem('api-token')")

    def tenant_requests(self):
        scoped = ("/api/v1/projects/", "/api/v1/tasks/")
        return [a for a, _body in self.answers if a.request.method != "OPTIONS" and any(p in a.url for p in scoped)]
