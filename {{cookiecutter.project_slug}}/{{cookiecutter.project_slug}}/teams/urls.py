"""The teams app's tenant-scoped paths: the request's tenant, its members, its invitations."""

from django.urls import path

from .invitations import InvitationViewSet
from .members import MemberDetailView, MemberListView
from .workspaces import TenantView

urlpatterns = [
    path("members/", MemberListView.as_view(), name="members"),
    # Any text, as a router's <pk>: a path the OpenAPI schema names with {id} is recognised as this
    # tenant-scoped route (api/schema.py); an id that is not a number is a 404, as any unknown id.
    path("members/<pk>/", MemberDetailView.as_view(), name="member"),
    path("tenant/", TenantView.as_view(), name="tenant"),
    path("invitations/", InvitationViewSet.as_view({"get": "list", "post": "create"}), name="invitation-list"),
    path(
        "invitations/<pk>/",
        InvitationViewSet.as_view({"get": "retrieve", "delete": "destroy"}),
        name="invitation-detail",
    ),
]
