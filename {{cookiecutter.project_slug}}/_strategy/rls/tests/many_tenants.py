"""Thousands of tenants in seconds, for tests of what a session keeps of each tenant it serves.

A tenant is one row (tenancy/isolation.py's provision_tenant): one INSERT makes them all.
"""

from {{ cookiecutter.project_slug }}.tenancy.models import Tenant

__all__ = ["make_tenants"]


def make_tenants(slugs):
    """The new tenants ``slugs``."""
    return Tenant.objects.bulk_create(Tenant(slug=slug, name=slug) for slug in slugs)
