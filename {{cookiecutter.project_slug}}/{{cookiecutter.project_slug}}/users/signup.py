"""Sign-up: anyone makes an account with an email and a password, and is signed in at once.

The account belongs to no tenant yet; a workspace or an accepted invitation adds its first
membership. Needs no tenant, so it answers on any host.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.api.throttling import SIGNUP_THROTTLES

from .authentication import issue_token
from .serializers import TokenSerializer

TAKEN = "An account with this email already exists: sign in, or reset its password."


class SignUpSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"}, write_only=True)

    def validate_email(self, email):
        email = get_user_model().objects.normalize_email(email)
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise serializers.ValidationError(TAKEN, code="unique")
        return email

    def validate(self, attrs):
        # AUTH_PASSWORD_VALIDATORS, with the email for the similarity check.
        try:
            validate_password(attrs["password"], user=get_user_model()(email=attrs["email"]))
        except DjangoValidationError as error:
            raise serializers.ValidationError({"password": list(error.messages)}) from error
        return attrs

    def create(self, validated_data):
        try:
            with transaction.atomic():
                return get_user_model().objects.create_user(**validated_data)
        except IntegrityError as error:  # the same email, signed up a moment earlier
            raise serializers.ValidationError({"email": [TAKEN]}) from error


class SignUpView(APIView):
    """Make an account and sign it in: the answer is its first API token.

    Throttled per client address: accounts made in bulk, and guessing which emails have an
    account (a taken email is a 400, which says so), are held to the sign-up rate.
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = SIGNUP_THROTTLES

    @extend_schema(request=SignUpSerializer, responses={201: TokenSerializer})
    def post(self, request):
        serializer = SignUpSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.save()
        return Response({"token": issue_token(user)}, status=status.HTTP_201_CREATED)
