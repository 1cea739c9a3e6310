"""What the e2e suite changes on the server's database, the way an operator would: through
``manage.py shell -c`` under production settings, never through the test process.

Imported only inside that subprocess, where Django is set up against the e2e database.
"""

import json
import os
from datetime import timedelta

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone
from knox.models import AuthToken

from {{ cookiecutter.project_slug }}.tenancy.isolation import tenant_context
from {{ cookiecutter.project_slug }}.tenancy.models import Membership, Tenant

SEED_PLAN_VARIABLE = "E2E_SEED_PLAN"


def seed():
    """Create the plan's users (with their memberships) and each tenant's marker rows.

    Rows get explicit ids, set apart per tenant, so "another tenant's object" is never also one
    of the attacker's own: an attack must fail by isolation, not by a missing id.
    """
    plan = json.loads(os.environ[SEED_PLAN_VARIABLE])
    for user in plan["users"]:
        created = get_user_model().objects.create_user(email=user["email"], password=user["password"])
        for slug, role in user["memberships"].items():
            Membership.objects.create(user=created, tenant=Tenant.objects.get(slug=slug), role=role)
    for row in plan["rows"]:
        foreign_keys = {f"{field}_id": pk for field, pk in row["parents"].items()}
        with tenant_context(Tenant.objects.get(slug=row["tenant"])):
            apps.get_model(row["model"]).objects.create(pk=row["pk"], **row["fields"], **foreign_keys)


def expire_token(email):
    """Age the user's API tokens past their expiry, as if AUTH_TOKEN_TTL_SECONDS had passed."""
    past = timezone.now() - timedelta(seconds=60)
    if AuthToken.objects.filter(user__email=email).update(expiry=past) == 0:
        raise SystemExit(f"{email} has no API token to expire: request one from /api/v1/auth/token/ first.")


def add_member(slug, email, role):
    """Give an existing user ``role`` in tenant ``slug``, as an accepted invitation would."""
    user = get_user_model().objects.get(email=email)
    Membership.objects.create(user=user, tenant=Tenant.objects.get(slug=slug), role=role)
