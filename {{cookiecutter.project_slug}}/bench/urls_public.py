"""The public URLConf plus the twin: the same DRF stack, authentication and pagination as the
projects list, on a table without tenancy (the users). Only the benchmark serves it."""

from django.contrib.auth import get_user_model
from django.urls import path
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated

from config.urls_public import urlpatterns as public_urlpatterns


class TwinSerializer(serializers.ModelSerializer):
    class Meta:
        model = get_user_model()
        fields = ["id", "email", "is_active"]


class TwinList(generics.ListAPIView):
    queryset = get_user_model().objects.order_by("id")
    serializer_class = TwinSerializer
    permission_classes = [IsAuthenticated]


urlpatterns = [path("bench/twin/", TwinList.as_view()), *public_urlpatterns]
