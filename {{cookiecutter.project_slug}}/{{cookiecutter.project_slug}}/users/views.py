from django.contrib.auth.signals import user_logged_out
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.api.throttling import LOGIN_THROTTLES

from .authentication import ExpiringTokenAuthentication, issue_token
from .serializers import CredentialsSerializer, MeSerializer, TokenSerializer


class ObtainTokenView(APIView):
    """Exchange an email and password for a new API token (``Authorization: Token <token>``).

    Every sign-in issues a new token (one per device or session); only its digest is stored.
    Users are global, so this answers on any host; which tenants the token can reach is
    decided per request by the user's memberships. Throttled per client address and per account.
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = LOGIN_THROTTLES

    @extend_schema(request=CredentialsSerializer, responses={200: TokenSerializer})
    def post(self, request):
        serializer = CredentialsSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        return Response({"token": issue_token(serializer.validated_data["user"])})


class LogoutView(APIView):
    """End the token this request is sent with: its next use is a 401."""

    authentication_classes = [ExpiringTokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: OpenApiResponse(description="the token is revoked")})
    def post(self, request):
        request.auth.delete()
        user_logged_out.send(sender=request.user.__class__, request=request, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    """End every token of the signed-in user, on every device: all of them answer 401 from now on."""

    authentication_classes = [ExpiringTokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: OpenApiResponse(description="every token of the user is revoked")})
    def post(self, request):
        request.user.auth_token_set.all().delete()
        user_logged_out.send(sender=request.user.__class__, request=request, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """The signed-in user and the tenants they belong to: what a tenant picker offers.

    Needs no tenant: memberships live with the users, outside every tenant.
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        memberships = user.memberships.select_related("tenant").order_by("tenant__slug")
        return Response(MeSerializer({"id": user.pk, "email": user.email, "memberships": memberships}).data)
