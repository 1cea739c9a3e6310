"""Token auth: email and password in, a new token out (stored as a digest only); expired,
tampered and logged-out tokens are refused."""

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from .support import PASSWORD, routing_headers


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
    AuthToken.objects.filter(user=acme.owner).update(expiry=timezone.now() - timedelta(seconds=1))
    for _ in range(2):  # still "expired" the second time: the token is kept until the next sign-in
        response = client.get("/api/v1/projects/")
        assert response.status_code == 401
        assert "expired" in response.json()["detail"]
    assert api("acme", acme.owner).get("/api/v1/projects/").status_code == 200
    assert not AuthToken.objects.filter(user=acme.owner, expiry__lt=timezone.now()).exists()


def test_inactive_user_cannot_get_a_token(acme):
    acme.owner.is_active = False
    acme.owner.save()
    response = APIClient(**routing_headers("acme")).post(
        "/api/v1/auth/token/", {"email": acme.owner.email, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 400


def sign_in(user):
    response = APIClient().post("/api/v1/auth/token/", {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def test_each_sign_in_issues_a_new_token_and_all_of_them_work(api, acme):
    first, second = sign_in(acme.owner), sign_in(acme.owner)
    assert first != second
    for token in (first, second):
        client = APIClient(**routing_headers("acme"))
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert client.get("/api/v1/projects/").status_code == 200


def test_nothing_in_the_database_equals_a_live_token(acme):
    """A backup or a read of the token table must not be a credential: only digests are stored."""
    token = sign_in(acme.owner)
    rows = list(AuthToken.objects.filter(user=acme.owner).values())
    assert rows
    for row in rows:
        for value in row.values():
            assert str(value) != token
            assert token not in str(value)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {AuthToken._meta.db_table}")
        assert all(token not in str(cell) for row in cursor.fetchall() for cell in row)


def test_logout_ends_only_the_token_it_is_sent_with(acme):
    kept, ended = sign_in(acme.owner), sign_in(acme.owner)
    client = APIClient(**routing_headers("acme"))
    client.credentials(HTTP_AUTHORIZATION=f"Token {ended}")
    assert client.post("/api/v1/auth/logout/").status_code == 204
    response = client.get("/api/v1/projects/")
    assert response.status_code == 401
    assert client.post("/api/v1/auth/logout/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {kept}")
    assert client.get("/api/v1/projects/").status_code == 200


def test_logout_all_ends_every_token_of_the_user_and_no_one_elses(acme, globex):
    tokens = [sign_in(acme.owner) for _ in range(3)]
    other = sign_in(globex.owner)
    client = APIClient(**routing_headers("acme"))
    client.credentials(HTTP_AUTHORIZATION=f"Token {tokens[0]}")
    assert client.post("/api/v1/auth/logout-all/").status_code == 204
    for token in tokens:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert client.get("/api/v1/projects/").status_code == 401
    assert not AuthToken.objects.filter(user=acme.owner).exists()
    globex_client = APIClient(**routing_headers("globex"))
    globex_client.credentials(HTTP_AUTHORIZATION=f"Token {other}")
    assert globex_client.get("/api/v1/projects/").status_code == 200


def test_logout_without_a_token_is_401(db):
    assert APIClient().post("/api/v1/auth/logout/").status_code == 401
    assert APIClient().post("/api/v1/auth/logout-all/").status_code == 401


def test_a_token_header_that_is_not_utf8_is_401(acme):
    client = APIClient(**routing_headers("acme"))
    client.credentials(HTTP_AUTHORIZATION="Token \xff\xfe")
    assert client.get("/api/v1/projects/").status_code == 401


def test_a_bearer_token_is_401_naming_the_token_scheme(acme):
    """The usual mistake (an OAuth habit) gets the fix, not "credentials were not provided"."""
    token = sign_in(acme.owner)
    for path in ("/api/v1/projects/", "/api/v1/auth/me/", "/api/v1/auth/logout/"):
        client = APIClient(**routing_headers("acme"))
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        response = client.post(path) if path.endswith("logout/") else client.get(path)
        assert response.status_code == 401, (path, response.content)
        assert "use Authorization: Token <token>" in response.json()["detail"], (path, response.json())
        assert response["WWW-Authenticate"] == "Token", path
    client = APIClient(**routing_headers("acme"))
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/projects/").status_code == 200, "the Bearer attempts ended nothing"
