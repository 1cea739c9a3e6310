"""tenant_context() means the same whichever strategy sets the tenant: a transaction on the
connection it names, undone by an error, restoring the outer tenant when nested."""

import pytest
from django.conf import settings
from django.db import connections

from {{ cookiecutter.project_slug }}.projects.models import Project
from {{ cookiecutter.project_slug }}.tenancy.isolation import current_tenant, tenant_context


@pytest.mark.django_db(databases="__all__")
@pytest.mark.parametrize("using", sorted(settings.DATABASES))
def test_tenant_context_is_a_transaction_on_the_connection_it_names(acme, using):
    conn = connections[using]
    depth = len(conn.savepoint_ids)  # the test itself runs in a transaction: one more savepoint
    with tenant_context(acme.tenant, using=using):
        assert conn.in_atomic_block
        assert len(conn.savepoint_ids) == depth + 1
        assert current_tenant() == acme.tenant
    assert len(conn.savepoint_ids) == depth
    assert current_tenant() is None


def test_an_error_in_tenant_context_undoes_its_writes(acme):
    with pytest.raises(RuntimeError), tenant_context(acme.tenant):
        Project.objects.create(name="undone")
        raise RuntimeError("the block fails")
    with tenant_context(acme.tenant):
        assert not Project.objects.filter(name="undone").exists()


def test_a_nested_tenant_context_restores_the_outer_tenant(acme, globex, data):
    with tenant_context(acme.tenant):
        with tenant_context(globex.tenant):
            assert current_tenant() == globex.tenant
            assert list(Project.objects.values_list("name", flat=True)) == ["globex-secret-project"]
        assert current_tenant() == acme.tenant
        assert list(Project.objects.values_list("name", flat=True)) == ["acme-secret-project"]
