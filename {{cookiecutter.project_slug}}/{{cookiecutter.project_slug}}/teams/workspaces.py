"""Workspaces: a signed-in user creates a tenant and owns it; an owner deletes it.

A workspace is a tenant made exactly as ``manage.py create_tenant`` makes one (tenancy/services.py:
its isolation, its routing), with the caller as its owner, so the next request to it is served.
Deleting one is ``manage.py delete_tenant``: every row, file, cache entry and queued job of the
tenant, then the check that nothing of it remains (tenancy/erasure.py).
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.api.errors import ErrorSerializer
from {{ cookiecutter.project_slug }}.api.schema import AutoSchema
from {{ cookiecutter.project_slug }}.api.throttling import TENANT_CREATION_THROTTLES
from {{ cookiecutter.project_slug }}.tenancy.erasure import verify_erased
from {{ cookiecutter.project_slug }}.tenancy.models import Membership
from {{ cookiecutter.project_slug }}.tenancy.permissions import IsTenantOwner
from {{ cookiecutter.project_slug }}.tenancy.services import TenantError, create_tenant, delete_tenant, validate_slug

logger = logging.getLogger(__name__)

ERASURE_INCOMPLETE = (
    "The tenant was deleted, but the check after it found some of its data left; "
    "an operator must remove it (the server's log names where)."
)


class WorkspaceSerializer(serializers.Serializer):
    slug = serializers.CharField(
        help_text="How requests name the workspace: lowercase letters, digits and single hyphens, starting "
        "with a letter, 2-40 characters (a host name label)."
    )
    name = serializers.CharField(max_length=200, help_text="The workspace's display name.")
    role = serializers.ChoiceField(choices=Membership.Role.choices, read_only=True, help_text="Yours: owner.")

    def validate_slug(self, slug):
        try:
            validate_slug(slug)  # the rules of create_tenant: pattern, reserved names, taken
        except TenantError as exc:
            raise ValidationError(str(exc)) from exc
        return slug


def limit_detail():
    return (
        f"You already own {settings.TENANTS_PER_USER} workspaces, the most one account may own: "
        "delete one before creating another."
    )


class WorkspaceCreateView(APIView):
    """Create a workspace (a tenant) and become its owner; it is served from the next request.

    Needs no tenant. Each user may own at most TENANTS_PER_USER workspaces, and creations are
    throttled per user (THROTTLE_RATE_TENANT_CREATE).
    """

    permission_classes = [IsAuthenticated]
    throttle_classes = TENANT_CREATION_THROTTLES

    @extend_schema(
        request=WorkspaceSerializer,
        responses={
            201: WorkspaceSerializer,
            403: OpenApiResponse(ErrorSerializer, description="The user already owns TENANTS_PER_USER workspaces."),
        },
    )
    def post(self, request):
        serializer = WorkspaceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        slug, name = serializer.validated_data["slug"], serializer.validated_data["name"]
        with transaction.atomic():
            # One creation per user at a time, so that concurrent requests cannot pass the limit together.
            get_user_model().objects.select_for_update().filter(pk=request.user.pk).exists()
            owned = Membership.objects.filter(user=request.user, role=Membership.Role.OWNER).count()
            if owned >= settings.TENANTS_PER_USER:
                raise PermissionDenied(limit_detail())
            try:
                tenant = create_tenant(slug, name)
            except TenantError as exc:
                raise ValidationError({"slug": [str(exc)]}) from exc
            except IntegrityError as exc:  # the same slug, created by a concurrent request
                raise ValidationError({"slug": [f"The slug {slug!r} is already taken by another tenant."]}) from exc
            Membership.objects.create(user=request.user, tenant=tenant, role=Membership.Role.OWNER)
        body = WorkspaceSerializer({"slug": tenant.slug, "name": tenant.name, "role": Membership.Role.OWNER}).data
        return Response(body, status=status.HTTP_201_CREATED)


class DeletionSerializer(serializers.Serializer):
    confirm = serializers.CharField(help_text="The tenant's slug, typed again: nothing of the tenant can be restored.")

    def validate_confirm(self, confirm):
        slug = self.context["tenant"].slug
        if confirm != slug:
            raise ValidationError(f"Type the tenant's slug, {slug}, to confirm that all of its data goes.")
        return confirm


class BodyOnDeleteSchema(AutoSchema):
    """Documents the body of a DELETE (its confirmation), which drf-spectacular leaves out."""

    def _get_request_body(self, direction="request"):
        if self.method != "DELETE":
            return super()._get_request_body(direction)
        self.method = "POST"  # the only test drf-spectacular makes of it here: may the method have a body
        try:
            return super()._get_request_body(direction)
        finally:
            self.method = "DELETE"


class TenantView(APIView):
    """The request's tenant. Deleting it takes all of its data, for good: owners only."""

    permission_classes = [IsTenantOwner]
    schema = BodyOnDeleteSchema()

    @extend_schema(
        request=DeletionSerializer,
        responses={
            204: OpenApiResponse(description="the tenant and all of its data are deleted"),
            400: OpenApiResponse(ErrorSerializer, description="`confirm` is not the tenant's slug."),
            413: OpenApiResponse(ErrorSerializer, description="The request body is larger than the limit."),
            500: OpenApiResponse(ErrorSerializer, description="Deleted, but some of the tenant's data was found left."),
        },
    )
    def delete(self, request):
        serializer = DeletionSerializer(data=request.data, context={"tenant": request.tenant})
        serializer.is_valid(raise_exception=True)
        try:
            trace = delete_tenant(request.tenant.slug)
        except TenantError as exc:  # deleted by a concurrent request
            raise NotFound("This tenant no longer exists.") from exc
        remaining = [check for check in verify_erased(trace) if check.remaining]
        if remaining:
            logger.error(
                "Tenant %s was deleted, but some of its data remains: %s",
                trace.tenant.slug,
                " | ".join(str(check) for check in remaining),
            )
            return Response({"detail": ERASURE_INCOMPLETE}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
        return Response(status=status.HTTP_204_NO_CONTENT)
