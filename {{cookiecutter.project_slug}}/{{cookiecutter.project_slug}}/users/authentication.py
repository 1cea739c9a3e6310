"""Token authentication with django-rest-knox: tokens stored only as SHA-512 digests, one per
sign-in (device or session), each expiring after AUTH_TOKEN_TTL_SECONDS and revocable.

Why knox rather than DRF's authtoken: DRF stores the bearer token itself in its table (a backup
or a read of that table is every user's credentials), one per user, forever (docs/auth-and-permissions.md).
"""

from django.utils import timezone
from knox.auth import TokenAuthentication
from knox.models import AuthToken
from rest_framework.exceptions import AuthenticationFailed

EXPIRED = "Token has expired; request a new one from /api/v1/auth/token/."


def issue_token(user):
    """A new token for ``user``; only its digest is stored. Returns the token string."""
    AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    _instance, token = AuthToken.objects.create(user=user)
    return token


class ExpiringTokenAuthentication(TokenAuthentication):
    """knox's authentication, saying "expired" when it is, and refusing undecodable headers with a 401."""

    def authenticate_credentials(self, token):
        self._expired = False
        try:
            token.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise AuthenticationFailed("Invalid token.") from exc
        try:
            return super().authenticate_credentials(token)
        except AuthenticationFailed:
            if self._expired:
                raise AuthenticationFailed(EXPIRED) from None
            raise

    def _cleanup_token(self, auth_token):
        # knox would delete an expired token when it is presented (and then call it "invalid"):
        # keep refusing it as expired; the user's next sign-in deletes it (issue_token).
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            self._expired = True
            return True
        return False
