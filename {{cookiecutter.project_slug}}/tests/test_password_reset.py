"""Password reset: the same 202 for any email, a mailed link whose token works once and expires,
a new password that passes the validators, and every API token of the user ended with it."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.cache import cache
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from .support import PASSWORD, assert_throttled, routing_headers, throttle_rates, token_for

RESET = "/api/v1/auth/password-reset/"
CONFIRM = "/api/v1/auth/password-reset/confirm/"
NEW_PASSWORD = "a-new-and-longer-passphrase"
LINK = re.compile(r"https?://\S+")


@pytest.fixture(autouse=True)
def no_counts_yet(db):
    """Each test starts from zero throttle counts, in Redis too (the database's roll back with the test)."""
    cache.clear()


def ask_reset(email, **client_options):
    return APIClient(**client_options).post(RESET, {"email": email}, format="json")


def confirm(token, password=NEW_PASSWORD):
    return APIClient().post(CONFIRM, {"token": token, "password": password}, format="json")


def mailed_token(to):
    """The token of the reset link in the last mail to ``to``."""
    sent = [message for message in mail.outbox if message.to == [to]]
    assert sent, f"no mail to {to}: {[message.to for message in mail.outbox]}"
    links = LINK.findall(sent[-1].body)
    assert len(links) == 1, sent[-1].body
    link = urlsplit(links[0])
    assert f"{link.scheme}://{link.netloc}" == settings.APP_URL.rstrip("/")
    assert link.path == "/reset-password"
    return parse_qs(link.query)["token"][0]


def without_request_id(headers):
    return {name: value for name, value in headers.items() if name != "X-Request-ID"}


def signs_in(email, password):
    response = APIClient().post("/api/v1/auth/token/", {"email": email, "password": password}, format="json")
    return response.status_code == 200


def test_a_known_email_gets_a_mail_with_a_link_that_resets_the_password(acme):
    response = ask_reset(acme.owner.email)
    assert response.status_code == 202, response.content
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [acme.owner.email]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert "password" in message.subject.lower()
    assert confirm(mailed_token(acme.owner.email)).status_code == 204
    assert signs_in(acme.owner.email, NEW_PASSWORD)
    assert not signs_in(acme.owner.email, PASSWORD)


def test_the_answer_is_the_same_whether_or_not_the_email_has_an_account(acme):
    """No account enumeration: status, body and headers tell nothing (the request id aside)."""
    known = ask_reset(acme.owner.email)
    unknown = ask_reset("nobody@acme.test")
    assert known.status_code == unknown.status_code == 202
    assert known.content == unknown.content
    assert "detail" in known.json()
    assert without_request_id(known.headers) == without_request_id(unknown.headers)
    assert [message.to for message in mail.outbox] == [[acme.owner.email]]


def test_the_email_is_matched_however_it_is_cased_and_the_mail_goes_to_the_account(acme):
    assert ask_reset(acme.owner.email.upper()).status_code == 202
    assert [message.to for message in mail.outbox] == [[acme.owner.email]]


def test_an_inactive_account_gets_no_mail_and_the_same_answer(acme):
    acme.owner.is_active = False
    acme.owner.save()
    response = ask_reset(acme.owner.email)
    assert response.status_code == 202
    assert response.content == ask_reset("nobody@acme.test").content
    assert mail.outbox == []


def test_it_needs_no_tenant_and_answers_on_a_tenants_host_too(acme):
    assert ask_reset(acme.owner.email, HTTP_HOST=settings.BASE_DOMAIN).status_code == 202
    assert ask_reset(acme.owner.email, **routing_headers("acme")).status_code == 202
    assert len(mail.outbox) == 2


def test_a_token_works_once(acme):
    ask_reset(acme.owner.email)
    token = mailed_token(acme.owner.email)
    assert confirm(token).status_code == 204
    response = confirm(token, "yet-another-long-passphrase")
    assert response.status_code == 400
    assert "not valid" in response.json()["token"][0]
    assert signs_in(acme.owner.email, NEW_PASSWORD)


def test_using_one_link_ends_the_others_of_that_user(acme):
    ask_reset(acme.owner.email)
    earlier = mailed_token(acme.owner.email)
    ask_reset(acme.owner.email)
    later = mailed_token(acme.owner.email)
    assert confirm(later).status_code == 204
    assert confirm(earlier, "yet-another-long-passphrase").status_code == 400


def test_an_expired_token_is_400(acme, monkeypatch):
    ask_reset(acme.owner.email)
    token = mailed_token(acme.owner.email)
    made = default_token_generator._now()
    later = made + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    response = confirm(token)
    assert response.status_code == 400
    assert "expired" in response.json()["detail"]
    assert signs_in(acme.owner.email, PASSWORD)


def test_a_token_just_within_its_time_works(acme, monkeypatch):
    ask_reset(acme.owner.email)
    token = mailed_token(acme.owner.email)
    later = default_token_generator._now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT - 60)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    assert confirm(token).status_code == 204


def other_users_id(token, user):
    """``token`` with its user id replaced by ``user``'s."""
    return f"{urlsafe_base64_encode(force_bytes(user.pk))}.{token.partition('.')[2]}"


def forged_tokens(token, acme, globex):
    encoded_id, _, signed = token.partition(".")
    flipped = signed[:-1] + ("a" if signed[-1] != "a" else "b")
    return {
        "flipped character": f"{encoded_id}.{flipped}",
        "another user's id": other_users_id(token, globex.owner),
        "no user id": signed,
        "empty": " ",
        "garbage": "not-a-token",
        "two separators": f"{token}.{signed}",
        "an id that is not a number": f"{urlsafe_base64_encode(b'abc')}.{signed}",
        "an id beyond bigint": f"{urlsafe_base64_encode(b'99999999999999999999999')}.{signed}",
        "an id of zero": f"{urlsafe_base64_encode(b'0')}.{signed}",
        "an id that is not base64": f"!!!.{signed}",
        "an id that is not utf-8": f"{urlsafe_base64_encode(bytes([255, 254]))}.{signed}",
        "a timestamp only": f"{encoded_id}.{signed.partition('-')[0]}",
    }


def test_a_forged_or_malformed_token_is_400_with_a_detail(acme, globex):
    ask_reset(acme.owner.email)
    token = mailed_token(acme.owner.email)
    for name, forged in forged_tokens(token, acme, globex).items():
        response = confirm(forged)
        assert response.status_code == 400, (name, response.content)
        assert response.json()["detail"], name
    assert signs_in(acme.owner.email, PASSWORD)
    assert signs_in(globex.owner.email, PASSWORD)
    assert confirm(token).status_code == 204, "the real token still works after the forgeries"


@pytest.mark.parametrize("body", [{}, {"token": "x"}, {"password": NEW_PASSWORD}, {"token": 5, "password": []}])
def test_missing_or_malformed_input_is_400(db, body):
    response = APIClient().post(CONFIRM, body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["detail"]


@pytest.mark.parametrize("body", [{}, {"email": "not an email"}, {"email": "x" * 250 + "@example.test"}])
def test_asking_with_no_valid_email_is_400(db, body):
    response = APIClient().post(RESET, body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["detail"]


@pytest.mark.parametrize("password", ["short1!", "password123", "84736291058374", "owner.acme.test"])
def test_a_password_the_validators_refuse_is_400_and_the_link_still_works(acme, password):
    ask_reset(acme.owner.email)
    token = mailed_token(acme.owner.email)
    response = confirm(token, password)
    assert response.status_code == 400, response.content
    assert response.json()["password"]
    assert signs_in(acme.owner.email, PASSWORD)
    assert confirm(token).status_code == 204


def test_a_reset_ends_every_api_token_of_the_user_and_no_one_elses(acme, globex):
    tokens = [token_for(acme.owner) for _ in range(2)]
    others = token_for(globex.owner)
    ask_reset(acme.owner.email)
    assert confirm(mailed_token(acme.owner.email)).status_code == 204
    client = APIClient(**routing_headers("acme"))
    for token in tokens:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert client.get("/api/v1/projects/").status_code == 401
    other_client = APIClient(**routing_headers("globex"))
    other_client.credentials(HTTP_AUTHORIZATION=f"Token {others}")
    assert other_client.get("/api/v1/projects/").status_code == 200


def test_the_user_is_not_signed_in_by_the_reset(acme):
    """The 204 carries no token: the new password signs in like any other."""
    ask_reset(acme.owner.email)
    response = confirm(mailed_token(acme.owner.email))
    assert response.status_code == 204
    assert response.content == b""
    assert not get_user_model().objects.get(pk=acme.owner.pk).auth_token_set.exists()


def test_reset_mails_for_one_email_are_throttled_from_every_address(acme):
    with throttle_rates(password_reset_account="2/hour"):
        for number in range(2):
            assert ask_reset(acme.owner.email, REMOTE_ADDR=f"192.0.2.{number}").status_code == 202
        assert_throttled(ask_reset(acme.owner.email.upper(), REMOTE_ADDR="192.0.2.50"))
        # An email with no account is counted the same way: a 429 tells nothing either.
        for number in range(2):
            assert ask_reset("nobody@acme.test", REMOTE_ADDR=f"192.0.2.{number}").status_code == 202
        assert_throttled(ask_reset("nobody@acme.test", REMOTE_ADDR="192.0.2.50"))
    assert len(mail.outbox) == 2


def test_reset_requests_and_confirmations_from_one_address_are_throttled(acme):
    with throttle_rates(password_reset_address="3/hour"):
        client = APIClient(REMOTE_ADDR="198.51.100.60")
        assert client.post(RESET, {"email": acme.owner.email}, format="json").status_code == 202
        token = mailed_token(acme.owner.email)
        assert client.post(CONFIRM, {"token": "guess", "password": NEW_PASSWORD}, format="json").status_code == 400
        assert client.post(RESET, {"email": "someone@example.test"}, format="json").status_code == 202
        assert_throttled(client.post(CONFIRM, {"token": token, "password": NEW_PASSWORD}, format="json"))
        assert_throttled(client.post(RESET, {"email": acme.owner.email}, format="json"))
        # Another address is not affected.
        assert confirm(token).status_code == 204
