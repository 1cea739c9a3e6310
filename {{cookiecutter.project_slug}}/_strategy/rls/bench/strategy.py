"""The rls strategy's own rows of ``make bench``: what Row Level Security costs against an
explicit ``WHERE tenant_id =``. Called by bench/__main__.py and bench/scale.py, with their helpers."""

# How the reports name the strategy.
NAME = "rls"


def creation_detail(made):
    """The detail of the tenant-creation row: a tenant is one row."""
    return (
        f"{made['last_ms']:.1f} vs {made['new_ms']:.1f} ms, alternately; "
        f"the same process's first {made['window']} {made['first_ms']:.1f} ms (a tenant is one row)"
    )


def measures(env, *, phase, fresh, ratio):
    """RLS against an explicit filter: a page of 50 and a count, on 100,000 rows."""
    rls = phase("strategy_phases.rls_against_filter", env)
    return [
        (
            "RLS / explicit WHERE tenant_id = (page of 50, 100,000 rows)",
            ratio(rls["rls page"], rls["filter page"]),
            f"{rls['rls page']:.3f} vs {rls['filter page']:.3f} ms: the policy adds "
            f"{(rls['rls page'] - rls['filter page']) * 1000:.0f} us to the statement",
        ),
        (
            "RLS / explicit WHERE tenant_id = (count, 100,000 rows)",
            ratio(rls["rls count"], rls["filter count"]),
            f"{rls['rls count']:.3f} vs {rls['filter count']:.3f} ms",
        ),
    ]


def fleet_measures(ran, *, manage, command, ratio):
    """No other tool runs a command in every tenant of an rls project: for_each_tenant's own row suffices."""
    return []


def scale_environment(root):
    """Nothing more for ``make bench-scale``: the project's own apps."""
    return {}


def scale_measures(env, root, step, *, manage):
    """Nothing more: a migration runs once, on the shared tables, whatever the number of tenants."""
    return {}
