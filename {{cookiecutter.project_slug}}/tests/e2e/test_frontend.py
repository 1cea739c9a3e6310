"""The React front end in a real browser, against the deployed server: each owner sees their own.

The server serves the app at / (frontend/dist/, which make test builds first). The browser
context sends no tenant of its own: the app names the tenant the way the project routes
(X-Tenant-ID, or the tenant's host). Every answer the app receives and every page it shows
is searched for the markers its user must not see.
"""

import pytest
from django.conf import settings

from ..support import PASSWORD

pytestmark = pytest.mark.e2e

NOT_A_MEMBER = "You are not a member of this tenant."


@pytest.fixture(scope="module", autouse=True)
def built_front_end():
    if not (settings.FRONTEND_DIST / "index.html").is_file():
        pytest.fail("frontend/dist/ is not built: run `make frontend-build` (make test does).", pytrace=False)


class AppSession:
    """One user in the app: a fresh browser context on ``origin`` (the server's base origin by default)."""

    def __init__(self, new_context, deployment, email, origin=None):
        self.deployment = deployment
        self.context = new_context(base_url=origin or deployment.origin(None))
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        # [response, body] of every API call the app made. The response is kept the moment its event
        # arrives and the body read after: reading it first lets the test run on (and count the
        # answers) before this handler has kept the one the page already drew.
        self.answers = []
        self.page.on("response", self.record)
        self.page.goto("/")
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in", exact=True).click()
        self.page.get_by_role("list", name="Your tenants").wait_for()

    def record(self, response):
        if response.request.resource_type in ("fetch", "xhr"):
            answer = [response, None]
            self.answers.append(answer)
            answer[1] = b"" if response.status in (204, 304) else response.body()  # those have none to read

    def open_tenant(self, slug, *, by_slug=False):
        if by_slug:
            self.page.get_by_label("Tenant slug").fill(slug)
            self.page.get_by_role("button", name="Open", exact=True).click()
        else:
            self.page.get_by_role("button", name=f"Open {slug}", exact=True).click()
        self.page.get_by_role("heading", name=f"Tenant {slug}").wait_for()

    def projects(self):
        return self.page.get_by_role("list", name="Project list")

    def alert(self):
        return self.page.get_by_role("alert")

    def assert_never_shown(self, *markers):
        """No marker in the page, nor in any answer the app received (API calls included)."""
        html = self.page.content()
        for marker in markers:
            assert marker not in html, f"LEAK: {marker} in the page"
        assert self.answers, "the app made no API call"
        for answer, body in self.answers:
            body = answer.body() if body is None else body  # the handler's read had not finished or failed
            for marker in markers:
                assert marker.encode() not in body, f"LEAK: {marker} in {answer.request.method} {answer.url}"

    def token(self):
        return self.page.evaluate("() => sessionStorage.getItem('api-token')")

    def tenant_requests(self):
        scoped = ("/api/v1/projects/", "/api/v1/tasks/")
        return [a for a, _body in self.answers if a.request.method != "OPTIONS" and any(p in a.url for p in scoped)]


@pytest.fixture
def app_session(new_context, deployment):
    return lambda email, origin=None: AppSession(new_context, deployment, email, origin)


def test_acme_owner_sees_creates_and_deletes_acme_projects(app_session, deployment, api):
    acme, globex = deployment.tenants["acme"], deployment.tenants["globex"]
    session = app_session(acme.owner_email)
    session.open_tenant("acme")
    session.projects().get_by_role("button", name=f"{acme.marker} seeded", exact=True).wait_for()

    name = f"{acme.marker} made in the app"
    session.page.get_by_label("Project name").fill(name)
    session.page.get_by_role("button", name="Create project", exact=True).click()
    session.projects().get_by_role("button", name=name, exact=True).wait_for()
    listed = api("acme", acme.owner_email).get("/api/v1/projects/?limit=500").json()["results"]
    made = [project for project in listed if project["name"] == name]
    assert len(made) == 1, "the project the app created is not in acme's API"

    session.projects().get_by_role("button", name=name, exact=True).click()
    session.page.get_by_role("heading", name=f"Tasks of {name}").wait_for()
    session.page.get_by_label("Task title").fill(f"{acme.marker} task made in the app")
    session.page.get_by_role("button", name="Add task", exact=True).click()
    session.page.get_by_role("list", name="Task list").get_by_text(f"{acme.marker} task made in the app").wait_for()
    session.page.get_by_role("button", name="← Projects", exact=True).click()

    session.projects().get_by_role("button", name=f"Delete {name}", exact=True).click()
    session.projects().get_by_role("button", name=name, exact=True).wait_for(state="detached")
    assert api("acme", acme.owner_email).get(f"/api/v1/projects/{made[0]['id']}/").status == 404
    assert session.tenant_requests(), "the app made no tenant-scoped request"
    statuses = [(answer.url, answer.status) for answer in session.tenant_requests()]
    assert all(status < 400 for _url, status in statuses), statuses
    session.assert_never_shown(globex.marker)


def test_acme_owner_sees_the_seeded_projects_tasks(app_session, deployment):
    acme, globex = deployment.tenants["acme"], deployment.tenants["globex"]
    session = app_session(acme.owner_email)
    session.open_tenant("acme")
    session.projects().get_by_role("button", name=f"{acme.marker} seeded", exact=True).click()
    session.page.get_by_role("list", name="Task list").get_by_text(f"{acme.marker} seeded").wait_for()
    session.assert_never_shown(globex.marker)


def is_a_projects_call(answer):
    return "/api/v1/projects/" in answer.url and answer.request.method != "OPTIONS"


def test_acme_owner_picking_globex_is_refused_with_the_servers_message(app_session, deployment):
    acme, globex = deployment.tenants["acme"], deployment.tenants["globex"]
    session = app_session(acme.owner_email)
    offered = session.page.get_by_role("button", name="Open globex", exact=True)
    assert offered.count() == 0, "globex offered to acme's owner"
    with session.page.expect_response(is_a_projects_call) as refused:
        session.open_tenant("globex", by_slug=True)
    session.alert().get_by_text(NOT_A_MEMBER).wait_for()
    assert refused.value.status == 403
    assert [a.status for a in session.tenant_requests()] == [403]
    session.assert_never_shown(globex.marker)


def test_an_unknown_tenant_is_refused_with_the_servers_message(app_session, deployment):
    session = app_session(deployment.tenants["acme"].owner_email)
    session.open_tenant("nosuchtenant", by_slug=True)
    session.alert().get_by_text("Unknown tenant.").wait_for()
    session.assert_never_shown(*(tenant.marker for tenant in deployment.tenants.values()))


def test_globex_owner_never_sees_acmes_marker_anywhere(app_session, deployment):
    acme, globex = deployment.tenants["acme"], deployment.tenants["globex"]
    session = app_session(globex.owner_email)
    assert session.page.get_by_role("button", name="Open acme", exact=True).count() == 0
    session.open_tenant("globex")
    session.projects().get_by_role("button", name=f"{globex.marker} seeded", exact=True).click()
    session.page.get_by_role("list", name="Task list").get_by_text(f"{globex.marker} seeded").wait_for()
    session.page.get_by_role("button", name="Switch tenant", exact=True).click()
    session.open_tenant("acme", by_slug=True)
    session.alert().get_by_text(NOT_A_MEMBER).wait_for()
    session.assert_never_shown(acme.marker)


@pytest.mark.parametrize("host", ["127.0.0.1", "acme.localhost"])
def test_the_app_works_wherever_it_is_opened(app_session, deployment, host):
    """What gunicorn prints (127.0.0.1) and the admin's "View site" (a tenant's host) open the app too.

    Subdomain routing names tenants by ``<slug>.<the page's host>``: the server sends such a visit
    to the base domain. Header routing calls the page's own origin, whatever it is.
    """
    acme, globex = deployment.tenants["acme"], deployment.tenants["globex"]
    opened = f"http://{host}:{deployment.port}"
    session = app_session(acme.owner_email, opened)
    landed = deployment.origin(None) if deployment.routing == "subdomain" else opened
    assert session.page.url == f"{landed}/", f"opened on {opened}, the app runs on {session.page.url}"
    session.open_tenant("acme")
    session.projects().get_by_role("button", name=f"{acme.marker} seeded", exact=True).wait_for()
    session.page.get_by_role("button", name="Switch tenant", exact=True).click()
    with session.page.expect_response(is_a_projects_call) as refused:
        session.open_tenant("globex", by_slug=True)
    session.alert().get_by_text(NOT_A_MEMBER).wait_for()
    assert refused.value.status == 403
    assert [a.status for a in session.tenant_requests()] == [200, 403]
    session.assert_never_shown(globex.marker)


def test_sign_out_ends_the_token_on_the_server(app_session, deployment, api):
    session = app_session(deployment.tenants["acme"].owner_email)
    token = session.token()
    assert token, "the app keeps no token after signing in"
    assert api(None, token=token).get("/api/v1/auth/me/").status == 200
    session.page.get_by_role("button", name="Sign out", exact=True).click()
    session.page.get_by_role("button", name="Sign in", exact=True).wait_for()
    assert session.alert().count() == 0, session.alert().all_inner_texts()
    assert session.token() is None, "the app still keeps the token after signing out"
    assert api(None, token=token).get("/api/v1/auth/me/").status == 401
