"""The whole story of a team through the app in real browsers, against the deployed server.

A new user signs up and creates a tenant; invites a teammate by mail (the link read from the
file the server wrote, EMAIL_URL=filemail://) and revokes another invitation; the teammate
follows the mailed link signed out, creates an account, accepts, and sees that tenant and no
other; the owner removes them and their next action is refused at once; the audit trail names
all of it; a suspended tenant is labelled and not opened. axe-core checks every page, and no
page or answer ever holds a marker of the seeded tenants.
"""

import re
import secrets

import pytest

from ..support import PASSWORD
from .app import AppSession, require_built_front_end
from .support import mails_to

pytestmark = pytest.mark.e2e

NOT_A_MEMBER = "You are not a member of this tenant."


@pytest.fixture(scope="module", autouse=True)
def built_front_end():
    require_built_front_end()


@pytest.fixture
def visitor(new_context, deployment):
    """visitor(): a person in a fresh browser, signed out."""
    return lambda: AppSession(new_context, deployment)


def invitation_link(deployment, address):
    """The link of the one invitation mailed to ``address``."""
    (message,) = mails_to(deployment, address)
    links = re.findall(r"https?://\S+", message.get_payload(decode=True).decode())
    assert len(links) == 1, message.as_string()
    assert links[0].startswith(f"{deployment.origin(None)}/invitations/accept?token="), links[0]
    return links[0]


def sign_up(session, email):
    page = session.page
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()


def open_section(session, name):
    session.page.get_by_role("navigation", name="Tenant sections").get_by_role("link", name=name, exact=True).click()
    session.page.get_by_role("heading", name=name, exact=True, level=1).wait_for()
    session.check_accessibility()


def test_a_team_from_sign_up_to_removal_through_the_app(visitor, deployment, api):
    seeded = [tenant.marker for tenant in deployment.tenants.values()]
    run = secrets.token_hex(3)
    founder_email, teammate_email = f"founder-{run}@example.test", f"teammate-{run}@example.test"
    slug, name = f"story-{run}", f"Story {run}"

    # A new user signs up and creates a tenant; it opens, and the switcher offers it.
    founder = visitor()
    page = founder.page
    page.goto("/sign-up")
    sign_up(founder, founder_email)
    page.get_by_text("You are not a member of any tenant yet.").wait_for()
    page.get_by_role("button", name="Create a tenant").click()
    page.get_by_role("heading", name="Create a tenant").wait_for()
    founder.check_accessibility()
    page.get_by_label("Name").fill(name)
    assert page.get_by_label("Address (slug)").input_value() == slug, "no slug proposed from the name"
    page.get_by_role("button", name="Create tenant").click()
    founder.projects_heading().wait_for()
    assert founder.path() == f"/t/{slug}/projects"
    assert founder.switcher_offers() == [slug]
    founder.check_accessibility()

    # The owner sees every section; invites the teammate, and invites then revokes someone else.
    open_section(founder, "Members")
    members = page.get_by_role("list", name="Member list")
    members.get_by_role("combobox", name=f"Role of {founder_email}").wait_for()
    open_section(founder, "Invitations")
    invited = page.get_by_role("list", name="Pending invitations")
    for email in (teammate_email, f"not-needed-{run}@example.test"):
        page.get_by_label("Email").fill(email)
        page.get_by_role("button", name="Invite", exact=True).click()
        page.get_by_role("status").get_by_text(f"Invitation mailed to {email}.").wait_for()
        invited.get_by_text(email).wait_for()
    founder.check_accessibility()
    invited.get_by_role("button", name=f"Revoke not-needed-{run}@example.test").click()
    founder.dialog().get_by_role("heading", name="Revoke this invitation?").wait_for()
    founder.check_accessibility()
    founder.dialog().get_by_role("button", name="Revoke invitation").click()
    invited.get_by_text(f"not-needed-{run}@example.test").wait_for(state="detached")

    # The teammate opens the mailed link signed out, creates an account, comes back, accepts.
    teammate = visitor()
    mate = teammate.page
    mate.goto(invitation_link(deployment, teammate_email))
    mate.get_by_role("heading", name="Join a tenant").wait_for()
    teammate.check_accessibility()
    mate.get_by_role("button", name="Create an account").click()
    mate.get_by_role("heading", name="Create an account").wait_for()
    sign_up(teammate, teammate_email)
    mate.get_by_text(f"You are signed in as {teammate_email}.").wait_for()
    assert teammate.path() == "/invitations/accept"
    teammate.check_accessibility()
    mate.get_by_role("button", name="Accept the invitation").click()
    teammate.projects_heading().wait_for()
    assert teammate.path() == f"/t/{slug}/projects"
    assert teammate.switcher_offers() == [slug], "the teammate is offered another tenant"

    # A member: no invitations or audit trail offered, and nobody's role or membership to change.
    sections = mate.get_by_role("navigation", name="Tenant sections")
    assert sections.get_by_role("link").all_inner_texts() == ["Projects", "Members"]
    open_section(teammate, "Members")
    mate_members = mate.get_by_role("list", name="Member list")
    mate_members.get_by_text(founder_email).wait_for()
    assert mate_members.get_by_role("combobox").count() == 0
    assert mate_members.get_by_role("button").count() == 0
    teammate.goto("/t/acme/projects")
    teammate.alert().get_by_text(NOT_A_MEMBER).wait_for()
    teammate.goto(f"/t/{slug}/projects")
    teammate.projects_heading().wait_for()

    # The owner removes the teammate (after confirming), and the teammate's next action is refused.
    founder.goto(f"/t/{slug}/members")
    members.get_by_role("button", name=f"Remove {teammate_email}").click()
    founder.dialog().get_by_role("heading", name="Remove this member?").wait_for()
    founder.check_accessibility()
    founder.dialog().get_by_role("button", name="Remove member").click()
    members.get_by_text(teammate_email).wait_for(state="detached")
    with mate.expect_response(
        lambda answer: answer.url.endswith("/api/v1/projects/") and answer.request.method == "POST"
    ) as refused:
        mate.get_by_label("Project name").fill("made after removal")
        mate.get_by_role("button", name="Create project", exact=True).click()
    assert refused.value.status == 403
    teammate.alert().get_by_text(NOT_A_MEMBER).wait_for()

    # The audit trail names all of it, newest first.
    open_section(founder, "Audit trail")
    entries = page.get_by_role("table", name="Audit entries")
    entries.get_by_text("member.removed").wait_for()
    actions = entries.locator("tbody tr td:nth-child(3)").all_inner_texts()
    expected = ["member.removed", "invitation.accepted", "invitation.revoked", "invitation.created", "tenant.created"]
    assert [action for action in actions if action in expected] == [
        "member.removed",
        "invitation.accepted",
        "invitation.revoked",
        "invitation.created",
        "invitation.created",
        "tenant.created",
    ], actions
    assert teammate_email in entries.inner_text()

    # Suspended by an operator: labelled at home, not openable.
    deployment.manage("suspend_tenant", slug)
    try:
        founder.goto("/")
        page.get_by_role("list", name="Your tenants").get_by_text("suspended").wait_for()
        assert page.get_by_role("list", name="Your tenants").get_by_role("link", name=name).count() == 0
        founder.check_accessibility()
        founder.goto(f"/t/{slug}/projects")
        founder.alert().get_by_text("This tenant is suspended").wait_for()
        founder.check_accessibility()
    finally:
        deployment.manage("resume_tenant", slug)

    founder.assert_never_shown(*seeded)
    teammate.assert_never_shown(*seeded)
    assert api(None).get("/api/v1/health/").status == 200
