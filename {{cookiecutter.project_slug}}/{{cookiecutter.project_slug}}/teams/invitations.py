"""Invitations by mail (docs/invitations.md): an admin or owner of the request's tenant invites an
address with a role; the user with that address, signed in, accepts the mailed token and becomes
a member. The token is single-use, expires after INVITATION_TTL seconds, and is stored only as
its digest (teams/invitation.py).

Invitations are a shared table, not a tenant's: every view here filters by the request's tenant
itself, and the tests attack each route (tests/test_invitations.py).
"""

import smtplib
from datetime import UTC

from django.db import IntegrityError, transaction
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.api.errors import ErrorSerializer
from {{ cookiecutter.project_slug }}.api.throttling import ApiThrottles, ConfiguredRateThrottle, Throttles
from {{ cookiecutter.project_slug }}.audit.trail import record
from {{ cookiecutter.project_slug }}.tenancy.membership import Membership
from {{ cookiecutter.project_slug }}.tenancy.permissions import IsTenantAdmin, membership_role
from {{ cookiecutter.project_slug }}.users.mail import app_link, send

from .invitation import Invitation, token_digest

ARTICLES = {Membership.Role.OWNER: "an owner", Membership.Role.ADMIN: "an admin", Membership.Role.MEMBER: "a member"}


# --- the mail -------------------------------------------------------------------------------


def mail_invitation(invitation, token):
    """Mail the token to the invited address: the tenant's name, who invites, the link, until when."""
    tenant, inviter = invitation.tenant, invitation.invited_by.email
    link = app_link("/invitations/accept", token=token)
    # A tenant's name is free text: one line in a header, whatever it holds.
    subject = " ".join(f"{inviter} invited you to {tenant.name}".split())
    text = (
        f"{inviter} invited you to join {tenant.name} as {ARTICLES[invitation.role]}.\n\n"
        f"To accept, open this link and sign in (or sign up) as {invitation.email}:\n\n"
        f"{link}\n\n"
        f"The link works once, for {invitation.email} only, until "
        f"{invitation.expires.astimezone(UTC):%Y-%m-%d %H:%M} UTC.\n"
        "If you did not expect this invitation, ignore this mail: nothing happens until the link is used.\n"
    )
    send(invitation.email, subject, text)


class MailNotSent(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The invitation mail could not be sent, so no invitation was made. Try again later."
    default_code = "mail_not_sent"


def invite(tenant, email, role, invited_by):
    """A new invitation of ``email`` to ``tenant``, mailed; it replaces an open one to the same address.

    Made and mailed in one transaction: a mail that cannot be sent leaves no invitation.
    """
    try:
        with transaction.atomic():
            replaced = Invitation.objects.open().filter(tenant=tenant, email=email).update(revoked_at=timezone.now())
            invitation, token = Invitation.objects.issue(tenant=tenant, email=email, role=role, invited_by=invited_by)
            detail = {"role": role, "replaced": replaced}
            record("invitation.created", email, actor=invited_by, tenant=tenant, detail=detail)
            mail_invitation(invitation, token)
    except IntegrityError as error:  # another request invited the same address in the meantime
        raise ValidationError({"email": ["This address was invited at the same moment: try again."]}) from error
    except (OSError, smtplib.SMTPException) as error:
        raise MailNotSent() from error
    return invitation


# --- inviting: tenant-scoped, admins and owners ---------------------------------------------


class InvitationSerializer(serializers.ModelSerializer):
    invited_by = serializers.EmailField(
        source="invited_by.email", read_only=True, allow_null=True, help_text="Who invited (null: a deleted user)."
    )
    expires = serializers.DateTimeField(read_only=True, help_text="Until when the mailed link can be accepted.")

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "expires", "invited_by", "created"]
        read_only_fields = ["id", "created"]

    def validate_email(self, value):
        email = value.lower()
        if Membership.objects.filter(tenant=self.context["request"].tenant, user__email__iexact=email).exists():
            raise ValidationError("This address is already a member of this tenant.")
        return email


ADMIN_ONLY = OpenApiResponse(
    ErrorSerializer, description="The user is not a member of this tenant, or not an admin or owner of it."
)


@extend_schema_view(
    list=extend_schema(description="The pending invitations: neither accepted, revoked nor expired."),
    retrieve=extend_schema(description="A pending invitation."),
    create=extend_schema(
        description=(
            "Invite an address with a role, and mail it a single-use link that expires (INVITATION_TTL). "
            "An admin may invite an admin or a member; only an owner may invite an owner. A new invitation "
            "to an address replaces the pending one: only the newest link works."
        ),
        responses={
            201: InvitationSerializer,
            403: OpenApiResponse(
                ErrorSerializer,
                description=(
                    "The user is not a member of this tenant, or not an admin or owner of it; "
                    "or an admin invites an owner."
                ),
            ),
            503: OpenApiResponse(ErrorSerializer, description="The mail could not be sent; nothing was made."),
        },
    ),
    destroy=extend_schema(
        description="Revoke a pending invitation: its link no longer works.",
        responses={204: OpenApiResponse(description="revoked"), 403: ADMIN_ONLY},
    ),
)
class InvitationViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The request's tenant's invitations: made, listed and revoked by its admins and owners."""

    queryset = Invitation.objects.select_related("invited_by").order_by("id")
    serializer_class = InvitationSerializer
    permission_classes = [IsTenantAdmin]

    def get_queryset(self):
        # A shared table: the tenant filter is this view's, and another tenant's invitation is a 404.
        return super().get_queryset().pending().filter(tenant=self.request.tenant)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        role = serializer.validated_data["role"]
        if role == Membership.Role.OWNER and membership_role(request, request.user, request.tenant) != role:
            raise PermissionDenied("Only an owner of this tenant can invite an owner.")
        invitation = invite(request.tenant, serializer.validated_data["email"], role, request.user)
        return Response(self.get_serializer(invitation).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        instance.revoked_at = timezone.now()
        instance.save(update_fields=["revoked_at"])
        record("invitation.revoked", instance.email, detail={"role": instance.role})


# --- accepting: signed in, no tenant --------------------------------------------------------


class InvitationAcceptUserThrottle(ConfiguredRateThrottle):
    """Accept attempts of one user: each guess at a token costs one."""

    scope = "invitation_accept"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": f"user-{request.user.pk}"}


class InvitationAcceptAddressThrottle(ConfiguredRateThrottle):
    """Accept attempts from one client address, whichever accounts it signs in as."""

    scope = "invitation_accept"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": f"address-{self.get_ident(request)}"}


class AcceptThrottles(Throttles):
    """The API's throttles, and accept attempts per user and per client address (THROTTLE_RATE_INVITATION_ACCEPT)."""

    scopes = (*ApiThrottles.scopes, InvitationAcceptUserThrottle, InvitationAcceptAddressThrottle)


class AcceptInvitationSerializer(serializers.Serializer):
    # As Invitation.objects.issue() makes them: URL-safe base64 (43 characters); anything else is not one.
    token = serializers.RegexField(
        r"^[A-Za-z0-9_-]{20,100}$",
        max_length=100,
        help_text="The token of the mailed link (its `token=` parameter).",
        error_messages={"invalid": "This is not an invitation token: copy the whole link from the mail."},
    )


class AcceptedInvitationSerializer(serializers.Serializer):
    tenant = serializers.CharField(help_text="The tenant's slug: what a request names it by.")
    name = serializers.CharField(help_text="The tenant's name.")
    role = serializers.ChoiceField(choices=Membership.Role.choices)


def refuse(message):
    """A 400 on the token: the invitation exists, is the user's, and cannot be accepted."""
    return ValidationError({"token": [message]})


class AcceptInvitationView(APIView):
    """Accept a mailed invitation as the user it was sent to: that user becomes a member of its tenant.

    Needs no tenant: the token names it. Single-use; a token that is expired, revoked, already
    used, another address's, or no invitation's is refused without naming any tenant.
    """

    permission_classes = [IsAuthenticated]
    throttle_classes = [AcceptThrottles]

    @extend_schema(
        request=AcceptInvitationSerializer,
        responses={
            200: AcceptedInvitationSerializer,
            400: OpenApiResponse(
                ErrorSerializer,
                description=(
                    "Not a token; or the invitation was already accepted, was revoked or has expired; "
                    "or the user is already a member of its tenant."
                ),
            ),
            403: OpenApiResponse(ErrorSerializer, description="The invitation was sent to another address."),
            404: OpenApiResponse(
                ErrorSerializer, description="No invitation has this token; or the request names an unknown tenant."
            ),
        },
    )
    def post(self, request):
        serializer = AcceptInvitationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        digest = token_digest(serializer.validated_data["token"])
        user = request.user
        with transaction.atomic():
            # Locked: two requests with one token cannot both accept it.
            found = Invitation.objects.select_for_update(of=("self",)).select_related("tenant")
            invitation = found.filter(token_digest=digest).first()
            if invitation is None:
                raise NotFound("No invitation has this token: check that the whole link was opened.")
            if invitation.email != user.email.lower():
                raise PermissionDenied("This invitation was sent to another address: sign in as that address.")
            if invitation.accepted_at is not None:
                raise refuse("This invitation was already accepted: its link works once.")
            if invitation.revoked_at is not None:
                raise refuse("This invitation was revoked: ask for a new one.")
            if invitation.expired:
                raise refuse("This invitation has expired: ask for a new one.")
            if Membership.objects.filter(user=user, tenant=invitation.tenant).exists():
                raise refuse("You are already a member of this tenant.")
            Membership.objects.create(user=user, tenant=invitation.tenant, role=invitation.role)
            invitation.accepted_at, invitation.accepted_by = timezone.now(), user
            invitation.save(update_fields=["accepted_at", "accepted_by"])
            record("invitation.accepted", invitation.email, tenant=invitation.tenant, detail={"role": invitation.role})
        tenant = invitation.tenant
        return Response({"tenant": tenant.slug, "name": tenant.name, "role": invitation.role})
