"""Sign-up: an email and a password in, a signed-in account out, with no tenant needed; weak
passwords and taken emails (however cased) are refused; throttled per client address."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, transaction
from rest_framework.test import APIClient

from .support import PASSWORD, assert_throttled, routing_headers, throttle_rates

SIGNUP = "/api/v1/auth/signup/"


@pytest.fixture(autouse=True)
def no_counts_yet(db):
    """Each test starts from zero throttle counts, in Redis too (the database's roll back with the test)."""
    cache.clear()


def sign_up(email, password=PASSWORD, **client_options):
    return APIClient(**client_options).post(SIGNUP, {"email": email, "password": password}, format="json")


def authenticated(token, slug=None):
    client = APIClient(**(routing_headers(slug) if slug else {"HTTP_HOST": settings.BASE_DOMAIN}))
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_sign_up_answers_a_token_that_signs_the_new_account_in(db):
    response = sign_up("new.person@example.test", HTTP_HOST=settings.BASE_DOMAIN)
    assert response.status_code == 201, response.content
    assert set(response.json()) == {"token"}
    me = authenticated(response.json()["token"]).get("/api/v1/auth/me/")
    assert me.status_code == 200
    assert me.json()["email"] == "new.person@example.test"
    assert me.json()["memberships"] == []
    user = get_user_model().objects.get(email="new.person@example.test")
    assert user.check_password(PASSWORD)
    assert not user.is_staff and not user.is_superuser


def test_the_new_account_can_sign_in_and_is_in_no_tenant(acme):
    token = sign_up("new.person@example.test").json()["token"]
    assert authenticated(token, "acme").get("/api/v1/projects/").status_code == 403
    response = APIClient().post(
        "/api/v1/auth/token/", {"email": "new.person@example.test", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content


def test_sign_up_answers_on_a_tenants_host_too(acme):
    assert sign_up("new.person@example.test", **routing_headers("acme")).status_code == 201


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1!", "too short"),
        ("password123", "too common"),
        ("84736291058374", "entirely numeric"),
        ("new.person.example", "too similar to the email address"),
    ],
)
def test_a_password_the_validators_refuse_is_400_with_the_reasons(db, password, message):
    response = sign_up("new.person@example.test", password)
    assert response.status_code == 400, response.content
    body = response.json()
    assert any(message in reason for reason in body["password"]), body
    assert body["detail"].startswith("password: ")
    assert not get_user_model().objects.filter(email="new.person@example.test").exists()


@pytest.mark.parametrize("email", ["owner@acme.test", "Owner@ACME.test", "OWNER@acme.TEST", " owner@acme.test "])
def test_a_taken_email_is_400_however_it_is_cased(acme, email):
    response = sign_up(email)
    assert response.status_code == 400, response.content
    assert "already exists" in response.json()["email"][0]
    assert get_user_model().objects.filter(email__iexact="owner@acme.test").count() == 1
    acme.owner.refresh_from_db()
    assert acme.owner.check_password(PASSWORD)


def test_the_database_refuses_a_second_account_for_one_address(db):
    """What holds when two sign-ups race past the serializer's check."""
    User = get_user_model()
    User.objects.create_user(email="Racer@example.test", password=PASSWORD)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(email="racer@example.test", password=PASSWORD)


def test_an_account_signs_in_however_its_email_is_cased(db):
    sign_up("Mixed.Case@Example.test")
    response = APIClient().post(
        "/api/v1/auth/token/", {"email": "mixed.case@example.TEST", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"email": "new.person@example.test"},
        {"password": PASSWORD},
        {"email": "not an email", "password": PASSWORD},
        {"email": "x" * 250 + "@example.test", "password": PASSWORD},
        {"email": ["new.person@example.test"], "password": PASSWORD},
        {"email": "new.person@example.test", "password": None},
    ],
)
def test_missing_or_malformed_input_is_400_with_a_detail(db, body):
    response = APIClient().post(SIGNUP, body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["detail"]


def test_sign_ups_from_one_address_are_throttled(acme):
    with throttle_rates(signup_address="2/hour"):
        # A refused one counts too: guessing which emails are taken is held to the same rate.
        assert sign_up(acme.owner.email, REMOTE_ADDR="198.51.100.40").status_code == 400
        assert sign_up("person1@example.test", REMOTE_ADDR="198.51.100.40").status_code == 201
        assert_throttled(sign_up("person2@example.test", REMOTE_ADDR="198.51.100.40"))
        # Another address is not affected.
        assert sign_up("person3@example.test", REMOTE_ADDR="203.0.113.40").status_code == 201
    assert not get_user_model().objects.filter(email="person2@example.test").exists()
