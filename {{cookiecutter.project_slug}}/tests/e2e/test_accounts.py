"""Sign-up and password reset through the running server, the mail read where production
settings write it (EMAIL_URL=filemail://): the link resets the password once, and every token
of the old password is refused from then on."""

import re
import secrets
from urllib.parse import parse_qs, urlsplit

import pytest

from ..support import PASSWORD
from .support import mails_to

pytestmark = pytest.mark.e2e

RESET = "/api/v1/auth/password-reset/"
CONFIRM = "/api/v1/auth/password-reset/confirm/"
NEW_PASSWORD = "another-long-passphrase-e2e"


def reset_token(message):
    """The ``token`` of the one link in ``message``, a link to the reset page at APP_URL."""
    links = re.findall(r"https?://\S+", message.get_payload(decode=True).decode())
    assert len(links) == 1, message.as_string()
    link = urlsplit(links[0])
    assert link.path == "/reset-password", links[0]
    return parse_qs(link.query)["token"][0]


def test_sign_up_then_reset_the_password_from_the_mailed_link(api, deployment):
    email = f"signup-{secrets.token_hex(4)}@example.test"
    public = api(None)

    signed_up = public.post("/api/v1/auth/signup/", {"email": email, "password": PASSWORD})
    assert signed_up.status == 201, signed_up.body
    old_token = signed_up.json()["token"]
    me = api(None, token=old_token).get("/api/v1/auth/me/")
    assert me.status == 200, me.body
    assert me.json()["email"] == email
    assert public.post("/api/v1/auth/signup/", {"email": email.upper(), "password": PASSWORD}).status == 400

    # The same answer for an email with no account, and a mail for the one that has one.
    asked = public.post(RESET, {"email": email})
    unknown = public.post(RESET, {"email": f"nobody-{secrets.token_hex(4)}@example.test"})
    assert asked.status == unknown.status == 202, (asked.body, unknown.body)
    assert asked.body == unknown.body
    mails = mails_to(deployment, email)
    assert len(mails) == 1, [message["Subject"] for message in mails]
    token = reset_token(mails[0])

    assert public.post(CONFIRM, {"token": token, "password": NEW_PASSWORD}).status == 204
    refused = api(None, token=old_token).get("/api/v1/auth/me/")
    assert refused.status == 401, refused.body
    used_again = public.post(CONFIRM, {"token": token, "password": "yet-another-passphrase"})
    assert used_again.status == 400, used_again.body
    assert "not valid" in used_again.json()["detail"]

    assert public.post("/api/v1/auth/token/", {"email": email, "password": PASSWORD}).status == 400
    signed_in = public.post("/api/v1/auth/token/", {"email": email, "password": NEW_PASSWORD})
    assert signed_in.status == 200, signed_in.body
    assert api(None, token=signed_in.json()["token"]).get("/api/v1/auth/me/").status == 200
