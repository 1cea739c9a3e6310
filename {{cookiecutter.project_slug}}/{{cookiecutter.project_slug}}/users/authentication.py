"""Token authentication whose tokens expire, so a leaked token stops working on its own."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


def token_expired(token):
    return token.created < timezone.now() - timedelta(seconds=settings.AUTH_TOKEN_TTL_SECONDS)


def fresh_token(user):
    """The user's token, replaced by a new one when it has expired."""
    token, created = Token.objects.get_or_create(user=user)
    if not created and token_expired(token):
        token.delete()
        token = Token.objects.create(user=user)
    return token


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            raise AuthenticationFailed("Token has expired; request a new one from /api/v1/auth/token/.")
        return user, token
