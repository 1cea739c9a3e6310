"""The Django admin in a real browser: each tenant's owner administers their own data only.

acme's owner creates a project through acme's admin; globex's owner, signed in to globex's
admin, neither sees it nor opens it by URL. Sessions and sign-ins do not cross tenants either.
"""

import pytest

from ..support import PASSWORD
from .deployment import http_request
from .support import browser_context_options

pytestmark = pytest.mark.e2e

PROJECTS = "/admin/projects/project/"


def sign_in(context, email):
    """Sign in to the admin of the context's tenant; returns the page, on the admin index."""
    page = context.new_page()
    page.goto("/admin/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    return page


def signed_in(context, email):
    page = sign_in(context, email)
    assert page.locator("#site-name").is_visible() and "/login/" not in page.url, page.content()
    return page


@pytest.fixture(scope="module")
def acme_project(browser, deployment):
    """A project that acme's owner creates through acme's admin: (name, path of its change page)."""
    acme = deployment.tenants["acme"]
    context = browser.new_context(**browser_context_options(deployment, "acme"))
    context.set_default_timeout(15_000)
    try:
        page = signed_in(context, acme.owner_email)
        page.get_by_role("rowheader", name="Projects").get_by_role("link").click()
        page.get_by_role("link", name="Add project").click()
        name = f"{acme.marker} created in the admin"
        page.locator("#id_name").fill(name)
        page.locator("input[name=_save]").click()
        page.wait_for_url(f"**{PROJECTS}")
        change_path = page.locator("#result_list").get_by_role("link", name=name).get_attribute("href")
        assert change_path.startswith(PROJECTS) and change_path.endswith("/change/"), change_path
    finally:
        context.close()
    return name, change_path


def test_owner_sees_the_project_created_in_their_admin(tenant_browser, deployment, acme_project):
    name, change_path = acme_project
    page = signed_in(tenant_browser("acme"), deployment.tenants["acme"].owner_email)
    page.goto(PROJECTS)
    assert page.locator("#result_list").get_by_role("link", name=name).is_visible()
    page.goto(change_path)
    assert page.locator("#id_name").input_value() == name


def test_other_tenants_owner_does_not_see_it(tenant_browser, deployment, acme_project):
    name, _change_path = acme_project
    acme, globex = deployment.tenants["acme"], deployment.tenants["globex"]
    page = signed_in(tenant_browser("globex"), globex.owner_email)
    page.goto(PROJECTS)
    assert (
        page.locator("#result_list").get_by_role("link", name=f"{globex.marker} seeded").is_visible()
    )  # globex's own project
    assert name not in page.content()
    page.goto(f"{PROJECTS}?q={acme.marker}")  # the page echoes the query, so look for the name
    assert page.get_by_text("0 results").is_visible()
    assert name not in page.content()


@pytest.mark.parametrize("view", ["change", "history", "delete"])
def test_other_tenants_owner_cannot_open_it_by_url(tenant_browser, deployment, acme_project, view):
    """Its admin URLs on globex's host: the admin answers that no such project exists."""
    _name, change_path = acme_project
    acme, globex = deployment.tenants["acme"], deployment.tenants["globex"]
    object_path = change_path.removesuffix("change/")
    page = signed_in(tenant_browser("globex"), globex.owner_email)
    page.goto(PROJECTS)
    own_paths = [link.get_attribute("href") for link in page.locator("#result_list th a").all()]
    assert change_path not in own_paths, "globex has a project with the same id: the case proves nothing"
    response = page.goto(f"{object_path}{view}/")
    # The admin redirects an id it cannot find to its index, with a message.
    assert response.request.redirected_from is not None
    assert page.get_by_text("Perhaps it was deleted?").is_visible()
    assert acme.marker not in page.content()


def test_owner_of_one_tenant_cannot_sign_in_to_anothers_admin(tenant_browser, deployment):
    page = sign_in(tenant_browser("globex"), deployment.tenants["acme"].owner_email)
    assert "/login/" in page.url
    assert page.get_by_text("This account does not administer this tenant.").is_visible()


def test_session_carried_to_another_tenant_is_refused(tenant_browser, deployment):
    """acme's owner's session cookie, replayed on globex's admin: 403, nothing of globex shown."""
    acme_context = tenant_browser("acme")
    signed_in(acme_context, deployment.tenants["acme"].owner_email)
    # Production's name: __Host- keeps it to the host that set it (docs/production-settings.md).
    session = next(cookie for cookie in acme_context.cookies() if cookie["name"] == "__Host-sessionid")
    assert session["secure"] and session["httpOnly"] and session["path"] == "/"
    # Replayed by hand on globex's host: a browser keeps a __Host- cookie to the host that set
    # it, an attacker does not.
    headers = {**deployment.tenant_headers("globex"), "Cookie": f"{session['name']}={session['value']}"}
    status, body, _headers = http_request(deployment.port, "GET", PROJECTS, headers)
    assert status == 403, body[:500]
    assert deployment.tenants["globex"].marker.encode() not in body
