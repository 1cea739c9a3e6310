"""Token authentication with django-rest-knox: tokens stored only as SHA-512 digests, one per
sign-in (device or session), each expiring after AUTH_TOKEN_TTL_SECONDS and revocable.

Why knox rather than DRF's authtoken: DRF stores the bearer token itself in its table (a backup
or a read of that table is every user's credentials), one per user, forever (docs/auth-and-permissions.md).
"""

import binascii
from hmac import compare_digest

from django.utils import timezone
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS, knox_settings
from rest_framework.authentication import get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from {{ cookiecutter.project_slug }}.tenancy.permissions import remember_role, role_in

INVALID = "Invalid token."
EXPIRED = "Token has expired; request a new one from /api/v1/auth/token/."
WRONG_SCHEME = "The Bearer scheme is not accepted: use Authorization: Token <token>."


def issue_token(user):
    """A new token for ``user``; only its digest is stored. Returns the token string."""
    AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    _instance, token = AuthToken.objects.create(user=user)
    return token


class ExpiringTokenAuthentication(TokenAuthentication):
    """knox's token check, with the user's role in the request's tenant read in the same query.

    One statement finds the token, its user and the membership, where knox and the permission
    would send two (docs/performance.md). It says "expired" when the token is (knox would delete
    it and call it invalid; the user's next sign-in deletes it, in issue_token), and refuses an
    undecodable header with a 401. ``Authorization: Bearer <token>`` is a 401 that names the
    right scheme, where knox would ignore it and the answer would say no credentials were sent.
    """

    def authenticate(self, request):
        self.request = request
        scheme = get_authorization_header(request).split(maxsplit=1)[:1]
        if scheme and scheme[0].lower() == b"bearer":
            raise AuthenticationFailed(WRONG_SCHEME)
        return super().authenticate(request)

    def authenticate_credentials(self, token):
        try:
            token = token.decode("utf-8")
            digest = hash_token(token)
        except (UnicodeDecodeError, TypeError, binascii.Error) as exc:
            raise AuthenticationFailed(INVALID) from exc
        tenant = getattr(self.request, "tenant", None)
        candidates = AuthToken.objects.filter(token_key=token[: CONSTANTS.TOKEN_KEY_LENGTH]).select_related("user")
        if tenant is not None:
            candidates = candidates.annotate(tenant_role=role_in(tenant))
        for auth_token in candidates:
            if not compare_digest(digest, auth_token.digest):
                continue
            if auth_token.expiry is not None and auth_token.expiry < timezone.now():
                raise AuthenticationFailed(EXPIRED)
            if knox_settings.AUTO_REFRESH and auth_token.expiry:
                self.renew_token(auth_token)
            user, auth_token = self.validate_user(auth_token)
            if tenant is not None:
                remember_role(self.request, user, tenant, auth_token.tenant_role)
            return user, auth_token
        raise AuthenticationFailed(INVALID)
