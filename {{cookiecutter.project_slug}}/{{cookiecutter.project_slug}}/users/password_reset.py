"""Password reset: a mailed link with a single-use, expiring token, then a new password.

The token is ``<user id, base64>.<token>`` from Django's PasswordResetTokenGenerator: an HMAC
(SECRET_KEY) of the user's id, password hash, last sign-in and email, and of when it was made.
Nothing is stored; it is single-use because setting the password changes the hash it signs,
which ends every other reset link of that user too, and it expires after
PASSWORD_RESET_TIMEOUT seconds.

Asking for a reset answers the same 202 whatever the email, in the same time: whether an
account exists is never told. The mail goes out after the answer is sent, so neither the mail
server's time nor its failure shows in the answer.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.api.throttling import PASSWORD_RESET_THROTTLES

from .mail import app_link, send

logger = logging.getLogger(__name__)

PROJECT_NAME = "{{ cookiecutter.project_name }}"
REQUESTED = "If an account uses this email, a link to reset its password has been mailed to it."
INVALID_LINK = "This reset link is not valid: it was used already, has expired, or is not ours. Ask for another."
SEPARATOR = "."  # never in a base64url user id, nor in the generator's token
LARGEST_ID = 2**63 - 1  # a bigint: a larger "id" would be a database error, not a 400


def reset_token(user):
    """The single string a reset link carries for ``user``."""
    return f"{urlsafe_base64_encode(force_bytes(user.pk))}{SEPARATOR}{default_token_generator.make_token(user)}"


def user_for_token(token):
    """The active user ``token`` was made for, locked until the transaction ends; None if it is not valid now."""
    encoded_id, _, user_token = token.partition(SEPARATOR)
    try:
        pk = int(urlsafe_base64_decode(encoded_id).decode())
    except (ValueError, UnicodeDecodeError):
        return None
    if not 0 < pk <= LARGEST_ID:
        return None
    user = get_user_model().objects.select_for_update().filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, user_token):
        return None
    return user


def mail_reset_link(user):
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    link = app_link("/reset-password", token=reset_token(user))
    send(
        user.email,
        f"Reset your {PROJECT_NAME} password",
        f"Someone asked to reset the password of your {PROJECT_NAME} account.\n\n"
        f"Choose a new password within {minutes} minutes, at:\n\n{link}\n\n"
        "The link works once. If you did not ask for it, ignore this mail: your password stays as it is.\n",
    )


class MailAfterAnswer(Response):
    """A 202 that mails ``user`` their reset link once the answer is sent (the server calls close())."""

    def __init__(self, data, user):
        super().__init__(data, status=status.HTTP_202_ACCEPTED)
        self.user = user

    def close(self):
        try:
            if self.user is not None:
                mail_reset_link(self.user)
        except Exception:
            # The client has its answer already: the error goes to the log, with the user to help.
            logger.exception("The password reset mail to user %s could not be sent.", self.user.pk)
        finally:
            super().close()


class PasswordResetSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetRequestedSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="The same whether or not an account uses the email.")


class PasswordResetConfirmSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200, help_text="The `token` of the mailed link.")
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"}, write_only=True)

    def validate(self, attrs):
        user = user_for_token(attrs["token"])
        if user is None:
            raise serializers.ValidationError({"token": [INVALID_LINK]})
        try:
            validate_password(attrs["password"], user=user)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"password": list(error.messages)}) from error
        attrs["user"] = user
        return attrs


class PasswordResetView(APIView):
    """Mail a link to reset the password of the account that uses this email, if one does.

    The answer is the same either way (no account enumeration). Throttled per client address,
    and per email so that nobody's mailbox can be flooded with reset mails.
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = PASSWORD_RESET_THROTTLES

    @extend_schema(
        request=PasswordResetSerializer,
        responses={
            202: OpenApiResponse(
                PasswordResetRequestedSerializer,
                description="the same answer whether or not an account uses the email",
            )
        },
    )
    def post(self, request):
        serializer = PasswordResetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = get_user_model().objects.filter(email__iexact=serializer.validated_data["email"], is_active=True).first()
        if user is not None and not user.has_usable_password():
            user = None  # signs in some other way: a password is not for it to set
        return MailAfterAnswer({"detail": REQUESTED}, user)


class PasswordResetConfirmView(APIView):
    """Set a new password with the mailed token; every API token of the user is ended with it.

    Whoever had the old password (or a token made with it) is signed out everywhere.
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = PASSWORD_RESET_THROTTLES

    @extend_schema(
        request=PasswordResetConfirmSerializer,
        responses={204: OpenApiResponse(description="the password is set; every API token of the user is revoked")},
    )
    def post(self, request):
        # One transaction, the user's row locked: two uses of one token at once cannot both pass.
        with transaction.atomic():
            serializer = PasswordResetConfirmSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            user = serializer.validated_data["user"]
            user.set_password(serializer.validated_data["password"])
            user.save(update_fields=["password"])
            user.auth_token_set.all().delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
