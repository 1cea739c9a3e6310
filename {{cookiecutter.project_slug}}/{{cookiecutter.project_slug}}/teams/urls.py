"""The teams app's tenant-scoped paths (config/urls.py includes them under /api/v1/)."""

from django.urls import path

from .invitations import InvitationViewSet

urlpatterns = [
    path("invitations/", InvitationViewSet.as_view({"get": "list", "post": "create"}), name="invitation-list"),
    path(
        "invitations/<pk>/",
        InvitationViewSet.as_view({"get": "retrieve", "delete": "destroy"}),
        name="invitation-detail",
    ),
]
