"""Members of the request's tenant: anyone in it may list them, an owner changes their roles,
an admin or owner removes them.

Memberships are a shared table (tenancy/membership.py): every query here is filtered by the
request's tenant, so another tenant's member is a 404, as any other tenant's object. A removed
member's next request is a 403: the role is read again on every request (tenancy/permissions.py).
The last owner of a tenant can be neither demoted nor removed, so a tenant is never left
without someone who can delete it or change its roles.
"""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from {{ cookiecutter.project_slug }}.api.errors import ErrorSerializer
from {{ cookiecutter.project_slug }}.audit.trail import record
from {{ cookiecutter.project_slug }}.tenancy.models import Membership
from {{ cookiecutter.project_slug }}.tenancy.permissions import IsTenantAdmin, IsTenantOwner, membership_role

LAST_OWNER = "This is the tenant's last owner: make another member an owner first."
OWNER_BY_ADMIN = "Only an owner can remove an owner."
MEMBER_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The membership's id, as the list gives it.")


class MemberSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "email", "role"]
        read_only_fields = ["id", "role"]


class RoleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Membership
        fields = ["role"]
        extra_kwargs = {"role": {"required": True}}


def tenant_members(request):
    return Membership.objects.filter(tenant=request.tenant).select_related("user").order_by("id")


def lock_owners(tenant):
    """The ids of the tenant's owners, their rows locked until the end of the transaction.

    Taken first, in one order, by every change: two owners demoting each other at once cannot
    both see the other still an owner, and cannot deadlock.
    """
    owners = Membership.objects.select_for_update().filter(tenant=tenant, role=Membership.Role.OWNER).order_by("id")
    return list(owners.values_list("id", flat=True))


class MemberListView(generics.ListAPIView):
    """Every member of this tenant, with their role."""

    serializer_class = MemberSerializer

    def get_queryset(self):
        return tenant_members(self.request)


class MemberDetailView(generics.GenericAPIView):
    """One member of this tenant: an owner changes their role, an admin or owner removes them."""

    serializer_class = MemberSerializer

    def get_queryset(self):
        return tenant_members(self.request).select_for_update(of=("self",))

    def get_permissions(self):
        return [IsTenantOwner()] if self.request.method == "PATCH" else [IsTenantAdmin()]

    @extend_schema(
        parameters=[MEMBER_ID],
        request=RoleSerializer,
        responses={
            200: MemberSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Not a role; or the tenant's last owner demoted."),
        },
    )
    def patch(self, request, pk):
        owners = lock_owners(request.tenant)
        membership = self.get_object()
        serializer = RoleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        role = serializer.validated_data["role"]
        if owners == [membership.pk] and role != Membership.Role.OWNER:
            raise ValidationError(LAST_OWNER)
        previous, membership.role = membership.role, role
        membership.save(update_fields=["role"])
        record("member.role_changed", membership.user.email, detail={"from": previous, "to": role})
        return Response(MemberSerializer(membership).data)

    @extend_schema(
        parameters=[MEMBER_ID],
        request=None,
        responses={
            204: OpenApiResponse(description="removed: the user's next request to this tenant is a 403"),
            400: OpenApiResponse(ErrorSerializer, description="The tenant's last owner."),
            403: OpenApiResponse(
                ErrorSerializer,
                description="The user is not an admin or owner of this tenant, or an admin removing an owner; "
                "or the tenant is suspended.",
            ),
        },
    )
    def delete(self, request, pk):
        owners = lock_owners(request.tenant)
        membership = self.get_object()
        if membership.role == Membership.Role.OWNER:
            if membership_role(request, request.user, request.tenant) != Membership.Role.OWNER:
                raise PermissionDenied(OWNER_BY_ADMIN)
            if owners == [membership.pk]:
                raise ValidationError(LAST_OWNER)
        membership.delete()
        record("member.removed", membership.user.email, detail={"role": membership.role})
        return Response(status=204)
