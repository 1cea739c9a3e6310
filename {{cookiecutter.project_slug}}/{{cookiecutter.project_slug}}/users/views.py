from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .authentication import fresh_token
from .serializers import CredentialsSerializer, MeSerializer, TokenSerializer


class ObtainTokenView(APIView):
    """Exchange an email and password for an API token (``Authorization: Token <token>``).

    Users are global, so this answers on any host; which tenants the token can reach is
    decided per request by the user's memberships.
    """

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(request=CredentialsSerializer, responses=TokenSerializer)
    def post(self, request):
        serializer = CredentialsSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token = fresh_token(serializer.validated_data["user"])
        return Response({"token": token.key})


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
