"""Invitations: an offer, mailed to one address, to join one tenant with a role (docs/invitations.md).

A shared table, like memberships: accepting one happens outside every tenant, by token. The
token is only in the mail; the table keeps its SHA-256 digest, so a copy of the database
accepts no invitation.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from {{ cookiecutter.project_slug }}.tenancy.membership import Membership


def token_digest(token):
    """What the table stores of a token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def open(self):
        """Neither accepted nor revoked: at most one per tenant and address, expired or not."""
        return self.filter(accepted_at=None, revoked_at=None)

    def pending(self):
        """Open and not expired: the ones that a token can still accept."""
        return self.open().filter(expires__gt=timezone.now())


class InvitationManager(models.Manager.from_queryset(InvitationQuerySet)):
    def issue(self, *, tenant, email, role, invited_by):
        """A new invitation and its token, which only the mail carries."""
        token = secrets.token_urlsafe(32)
        invitation = self.create(
            tenant=tenant,
            email=email,
            role=role,
            invited_by=invited_by,
            token_digest=token_digest(token),
            expires=timezone.now() + timedelta(seconds=settings.INVITATION_TTL),
        )
        return invitation, token


class Invitation(models.Model):
    """An offer to join ``tenant`` as ``role``, for the user whose email is ``email``; single-use."""

    tenant = models.ForeignKey("tenancy.Tenant", on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Membership.Role.choices)
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationManager()

    class Meta:
        constraints = [
            # A new invitation to the same address replaces the open one (teams/invitations.py).
            models.UniqueConstraint(
                fields=["tenant", "email"],
                condition=models.Q(accepted_at=None, revoked_at=None),
                name="one_open_invitation_per_tenant_and_email",
            )
        ]

    def __str__(self):
        return f"{self.email} to {self.tenant} ({self.role})"

    @property
    def expired(self):
        return self.expires <= timezone.now()
