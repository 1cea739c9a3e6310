from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .authentication import fresh_token
from .serializers import TokenRequestSerializer, TokenSerializer


class ObtainTokenView(APIView):
    """Exchange an email and password for an API token (``Authorization: Token <token>``).

    Users are global, so this answers on any host; which tenants the token can reach is
    decided per request by the user's memberships.
    """

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(request=TokenRequestSerializer, responses=TokenSerializer)
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token = fresh_token(serializer.validated_data["user"])
        return Response({"token": token.key})
