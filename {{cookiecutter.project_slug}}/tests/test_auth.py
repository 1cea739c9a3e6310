"""Token auth: email and password in, a token out; expired or tampered tokens are refused."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from .conftest import PASSWORD, routing_headers


def test_token_for_valid_credentials_on_any_host(acme):
    for host in (settings.BASE_DOMAIN, f"acme.{settings.BASE_DOMAIN}"):
        response = APIClient(HTTP_HOST=host).post(
            "/api/v1/auth/token/", {"email": acme.owner.email, "password": PASSWORD}, format="json"
        )
        assert response.status_code == 200
        assert set(response.json()) == {"token"}


def test_wrong_password_is_400_and_gives_no_token(acme):
    response = APIClient().post("/api/v1/auth/token/", {"email": acme.owner.email, "password": "nope"}, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()


def test_token_authenticates_the_owner(api, acme):
    assert api("acme", acme.owner).get("/api/v1/projects/").status_code == 200


def test_expired_token_is_401_and_a_new_one_is_issued(api, acme):
    client = api("acme", acme.owner)
    Token.objects.filter(user=acme.owner).update(
        created=timezone.now() - timedelta(seconds=settings.AUTH_TOKEN_TTL_SECONDS + 1)
    )
    response = client.get("/api/v1/projects/")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]
    assert api("acme", acme.owner).get("/api/v1/projects/").status_code == 200


def test_inactive_user_cannot_get_a_token(acme):
    acme.owner.is_active = False
    acme.owner.save()
    response = APIClient(**routing_headers("acme")).post(
        "/api/v1/auth/token/", {"email": acme.owner.email, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 400
