"""The seam between the project and its tenancy strategy: what tenancy/isolation.py offers.

tenancy/isolation.py is the one module written for the strategy this project was made with;
everything else (views, middleware, services, commands, probes, tests) uses it only through
the names below, which the module lists in ``__all__``. tests/test_seam.py holds it to them:
the same names, the same signatures, the same meaning, whichever strategy it implements.

======================================  ==================================================
``RESERVED_SLUGS``                      frozenset of slugs no tenant may take because the
                                        strategy itself needs them (may be empty).
``current_tenant()``                    the tenant of the innermost tenant_context(), or None.
``tenant_context(tenant, using=...)``   context manager: the block runs as ``tenant``,
                                        atomically (a transaction on the connection
                                        ``using``, a savepoint when nested); what it sets
                                        ends with the transaction, so a pooled connection
                                        never carries it into the next request.
``provision_tenant(*, slug, name)``     create the Tenant row and whatever isolates it.
``drop_tenant(tenant)``                 delete the tenant and every row of its data.
``tenant_models()``                     the models whose rows belong to one tenant.
``bootstrap_steps()``                   [(name, step(verbosity))] that bootstrap runs in order.
``readiness_checks()``                  [(name, check())] that /api/v1/ready/ runs after
                                        "database"; a check returns its problem or None.
``isolation_violations()``              [str]: every reason isolation is not guaranteed
                                        (check_tenancy prints them, and fails on any).
======================================  ==================================================
"""

# name -> its signature as inspect.signature() writes it; None for a constant.
SEAM = {
    "RESERVED_SLUGS": None,
    "bootstrap_steps": "()",
    "current_tenant": "()",
    "drop_tenant": "(tenant)",
    "isolation_violations": "()",
    "provision_tenant": "(*, slug, name)",
    "readiness_checks": "()",
    "tenant_context": "(tenant, using='default')",
    "tenant_models": "()",
}
