"""Memberships: a user's access to one tenant, with a role. Every permission check reads them
(tenancy/permissions.py); authentication reads the request's with the token (users/authentication.py)."""

from django.conf import settings
from django.db import models


class Membership(models.Model):
    """A user's access to one tenant, with a role."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        ADMIN = "admin", "Admin"
        MEMBER = "member", "Member"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    tenant = models.ForeignKey("tenancy.Tenant", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "tenant"], name="one_membership_per_user_and_tenant")]

    def __str__(self):
        return f"{self.user} in {self.tenant} ({self.role})"
