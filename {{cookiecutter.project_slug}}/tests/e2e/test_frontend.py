"""The React front end in a real browser, against the deployed server: each owner sees their own.

The server serves the app at / and at each of its URLs (frontend/dist/, which make test builds
first). The browser context sends no tenant of its own: the app names the tenant the way the
project routes (X-Tenant-ID, or the tenant's host). Every answer the app receives and every page
it shows is searched for the markers its user must not see, and axe-core finds no accessibility
violation on any page.
"""

import pytest

from .app import AppSession, require_built_front_end

pytestmark = pytest.mark.e2e

NOT_A_MEMBER = "You are not a member of this tenant."


@pytest.fixture(scope="module", autouse=True)
def built_front_end():
    require_built_front_end()


@pytest.fixture
def app_session(new_context, deployment):
    return lambda email, origin=None, path="/": AppSession(new_context, deployment, origin).sign_in(email, path)


def projects_named(api, owner, name):
    listed = api("acme", owner).get("/api/v1/projects/?limit=500").json()["results"]
    return [each for each in listed if each["name"] == name]


def tasks_titled(api, owner, project_id, title):
    listed = api("acme", owner).get(f"/api/v1/tasks/?project={project_id}&limit=500").json()["results"]
    return [each for each in listed if each["title"] == title]


def test_acme_owner_works_with_projects_and_tasks(app_session, deployment, api):
    acme, globex = deployment.tenants["acme"], deployment.tenants["globex"]
    owner = acme.owner_email
    session = app_session(owner)
    page = session.page
    page.get_by_role("list", name="Your tenants").get_by_role("link", name=acme.name, exact=True).click()
    session.projects().get_by_role("link", name=f"{acme.marker} seeded", exact=True).wait_for()
    app_name = page.get_attribute('meta[name="application-name"]', "content")
    assert app_name, "index.html names no application"
    assert page.title() == f"Projects · {acme.name} · {app_name}"
    session.check_accessibility()

    name = f"{acme.marker} made in the app"
    page.get_by_label("Project name").fill(name)
    page.get_by_role("button", name="Create project", exact=True).click()
    session.projects().get_by_role("link", name=name, exact=True).click()
    page.get_by_role("heading", name=name, exact=True).wait_for()
    (made,) = projects_named(api, owner, name)
    assert session.path() == f"/t/acme/projects/{made['id']}"
    assert page.title() == f"{name} · {acme.name} · {app_name}"

    # A double click on "Add task" makes one task: the button is disabled and the action runs once.
    title = f"{acme.marker} task made in the app"
    page.get_by_label("Task title").fill(title)
    page.get_by_role("button", name="Add task", exact=True).dblclick()
    task = session.tasks().get_by_role("checkbox", name=title, exact=True)
    task.wait_for()
    assert page.get_by_label("Task title").input_value() == ""
    (made_task,) = tasks_titled(api, owner, made["id"], title)
    session.check_accessibility()

    task.check()
    page.wait_for_function("(box) => box.checked && !box.disabled", arg=task.element_handle())
    assert tasks_titled(api, owner, made["id"], title)[0]["done"] is True
    task.uncheck()
    page.wait_for_function("(box) => !box.checked && !box.disabled", arg=task.element_handle())
    assert tasks_titled(api, owner, made["id"], title)[0]["done"] is False

    renamed = f"{acme.marker} renamed in the app"
    page.get_by_text("Rename this project", exact=True).click()
    page.get_by_label("New name").fill(renamed)
    page.get_by_role("button", name="Rename", exact=True).click()
    page.get_by_role("heading", name=renamed, exact=True).wait_for()
    assert api("acme", owner).get(f"/api/v1/projects/{made['id']}/").json()["name"] == renamed

    session.tasks().get_by_role("button", name=f"Delete {title}", exact=True).click()
    session.dialog().get_by_role("heading", name="Delete this task?").wait_for()
    session.check_accessibility()
    session.dialog().get_by_role("button", name="Delete task", exact=True).click()
    session.dialog().wait_for(state="detached")
    page.get_by_text("No tasks yet.").wait_for()
    assert api("acme", owner).get(f"/api/v1/tasks/{made_task['id']}/").status == 404

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Projects").click()
    delete = session.projects().get_by_role("button", name=f"Delete {renamed}", exact=True)
    delete.click()
    session.dialog().get_by_role("button", name="Cancel", exact=True).click()
    session.dialog().wait_for(state="detached")
    assert api("acme", owner).get(f"/api/v1/projects/{made['id']}/").status == 200, "Cancel deleted the project"
    delete.click()
    session.dialog().get_by_role("button", name="Delete project", exact=True).click()
    session.projects().get_by_role("link", name=renamed, exact=True).wait_for(state="detached")
    assert api("acme", owner).get(f"/api/v1/projects/{made['id']}/").status == 404
    statuses = [(answer.url, answer.status) for answer in session.tenant_requests()]
    assert statuses and all(status < 400 for _url, status in statuses), statuses
    session.assert_never_shown(globex.marker)


def test_a_link_to_a_page_survives_signing_in_a_reload_and_back(app_session, deployment, api):
    acme, globex = deployment.tenants["acme"], deployment.tenants["globex"]
    (seeded,) = projects_named(api, acme.owner_email, f"{acme.marker} seeded")
    link = f"/t/acme/projects/{seeded['id']}"
    session = app_session(acme.owner_email, path=link)
    page = session.page
    seeded_task = session.tasks().get_by_role("checkbox", name=f"{acme.marker} seeded", exact=True)
    seeded_task.wait_for()
    assert session.path() == link, "signing in did not come back to the link"
    session.reload()
    seeded_task.wait_for()
    assert session.path() == link
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Projects").click()
    session.projects_heading().wait_for()
    page.go_back()
    seeded_task.wait_for()
    assert session.path() == link
    session.goto("/no/such/page")
    page.get_by_role("heading", name="Page not found").wait_for()
    session.check_accessibility()
    session.assert_never_shown(globex.marker)


def is_a_projects_call(answer):
    return "/api/v1/projects/" in answer.url and answer.request.method != "OPTIONS"


def test_acme_owner_opening_globex_by_its_url_is_refused_with_the_servers_message(app_session, deployment):
    acme, globex = deployment.tenants["acme"], deployment.tenants["globex"]
    session = app_session(acme.owner_email)
    session.page.get_by_role("list", name="Your tenants").wait_for()
    session.check_accessibility()
    assert session.switcher_offers() == ["", "acme"], "the switcher offers another tenant than acme"
    with session.page.expect_response(is_a_projects_call) as refused:
        session.goto("/t/globex/projects")
    session.alert().get_by_text(NOT_A_MEMBER).wait_for()
    assert refused.value.status == 403
    assert [a.status for a in session.tenant_requests()] == [403]
    session.check_accessibility()
    session.assert_never_shown(globex.marker)


def test_an_unknown_tenant_is_refused_with_the_servers_message(app_session, deployment):
    session = app_session(deployment.tenants["acme"].owner_email)
    session.goto("/t/nosuchtenant/projects")
    session.alert().get_by_text("Unknown tenant.").wait_for()
    session.assert_never_shown(*(tenant.marker for tenant in deployment.tenants.values()))


def test_globex_owner_never_sees_acmes_marker_anywhere(app_session, deployment):
    acme, globex = deployment.tenants["acme"], deployment.tenants["globex"]
    session = app_session(globex.owner_email)
    assert "acme" not in session.switcher_offers()
    session.open_tenant("globex")
    session.projects().get_by_role("link", name=f"{globex.marker} seeded", exact=True).click()
    session.tasks().get_by_role("checkbox", name=f"{globex.marker} seeded", exact=True).wait_for()
    session.goto("/t/acme/projects")
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
    session.projects().get_by_role("link", name=f"{acme.marker} seeded", exact=True).wait_for()
    with session.page.expect_response(is_a_projects_call) as refused:
        session.goto("/t/globex/projects")
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
    session.goto("/t/acme/projects")
    session.page.wait_for_url("**/sign-in?next=%2Ft%2Facme%2Fprojects")


@pytest.mark.parametrize("path", ["/sign-in", "/t/acme/projects", "/t/acme/projects/12", "/t/acme/projects/"])
def test_each_url_of_the_app_answers_its_page(api, deployment, path):
    """A reload or a shared link asks the server for the URL itself: it answers the app's page."""
    answer = api(None).get(path)
    assert answer.status == 200, answer.status
    assert answer.headers["content-type"].startswith("text/html")
    assert b'<div id="root">' in answer.body
    on_a_tenants_host = api("acme").get(path)
    if deployment.routing == "subdomain":  # the app runs on the base domain, the same path
        assert on_a_tenants_host.status == 302
        assert on_a_tenants_host.headers["location"] == f"{deployment.origin(None)}{path}"
    else:
        assert on_a_tenants_host.status == 200


@pytest.mark.parametrize("path", ["/api/v1/nosuch/", "/api/v1/projects/12/nosuch/", "/api/nosuch"])
def test_the_apps_urls_never_shadow_the_apis_json_404(api, path):
    answer = api(None).get(path)
    assert answer.status == 404
    assert answer.headers["content-type"] == "application/json"
    assert answer.json()["detail"]


@pytest.mark.parametrize("path", ["/static/app/nosuch.js", "/static/nosuch", "/admin", "/favicon.ico", "/media/x"])
def test_the_apps_urls_leave_static_files_and_the_admin_alone(api, path):
    answer = api(None).get(path)
    assert b'<div id="root">' not in answer.body, f"{path} answered the app's page"
    assert answer.status in (301, 404), answer.status


def test_the_favicon_is_served_with_the_apps_assets(api):
    answer = api(None).get("/static/app/favicon.svg")
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("image/svg+xml")
