"""Sign-up and password reset through the app in a real browser, the reset link read from the
mail the server wrote (EMAIL_URL=filemail://), axe-core on every page."""

import re
import secrets

import pytest

from ..support import PASSWORD
from .app import AppSession, require_built_front_end
from .support import mails_to

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "another-long-passphrase-in-the-app"


@pytest.fixture(scope="module", autouse=True)
def built_front_end():
    require_built_front_end()


@pytest.fixture
def visitor(new_context, deployment):
    """visitor(): a person in a fresh browser, signed out, on the app's page."""
    return lambda: AppSession(new_context, deployment)


def mailed_link(deployment, address, path):
    """The one link to ``path`` in the one mail sent to ``address``."""
    (message,) = mails_to(deployment, address)
    links = re.findall(r"https?://\S+", message.get_payload(decode=True).decode())
    assert len(links) == 1, message.as_string()
    assert links[0].startswith(f"{deployment.origin(None)}{path}?token="), links[0]
    return links[0]


def test_sign_up_then_forget_and_reset_the_password_from_the_mailed_link(visitor, deployment, api):
    email = f"app-signup-{secrets.token_hex(4)}@example.test"
    session = visitor()
    page = session.page
    session.goto("/")
    page.wait_for_url("**/sign-in")
    page.get_by_role("link", name="Create one").click()
    page.get_by_role("heading", name="Create an account").wait_for()
    assert session.path() == "/sign-up"
    session.check_accessibility()

    # Django's validators refuse a weak password: their messages are shown next to it.
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("123")
    page.get_by_role("button", name="Create account").click()
    page.get_by_label("Password").and_(page.locator("[aria-invalid='true']")).wait_for()
    assert "too short" in page.get_by_role("form", name="Create an account").inner_text()
    session.check_accessibility()

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.get_by_text("You are not a member of any tenant yet.").wait_for()
    assert session.path() == "/"
    token = session.token()
    assert api(None, token=token).get("/api/v1/auth/me/").json()["email"] == email
    session.check_accessibility()

    page.get_by_role("button", name="Sign out", exact=True).click()
    page.get_by_role("link", name="Forgot your password?").click()
    # The sign-in page has an Email field too: fill the reset form's, once it is the page.
    page.get_by_role("heading", name="Forgot your password?").wait_for()
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Mail me a link").click()
    page.get_by_role("status").get_by_text("If an account uses this email").wait_for()
    session.check_accessibility()

    link = mailed_link(deployment, email, "/reset-password")
    session.goto(link)
    page.get_by_role("heading", name="Set a new password").wait_for()
    session.check_accessibility()
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    page.get_by_role("status").get_by_text("Your password is set").wait_for()
    assert session.path() == "/sign-in"
    session.check_accessibility()
    session.fill_sign_in(email, NEW_PASSWORD)
    page.get_by_text("You are not a member of any tenant yet.").wait_for()

    # The link is spent: opened again, the page says so and offers another.
    session.goto(link)
    page.get_by_label("New password", exact=True).fill("yet-another-long-passphrase")
    page.get_by_role("button", name="Set password").click()
    session.alert().get_by_text("This reset link is not valid").wait_for()
    session.alert().get_by_role("link", name="Ask for another link").wait_for()
    session.check_accessibility()
    session.assert_never_shown(*(tenant.marker for tenant in deployment.tenants.values()))
