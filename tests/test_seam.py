"""The seam: both strategies' strategy modules offer the same names (``__all__``) with the same
signatures, those of SEAM below, and the shared code uses no other name of them.

Read from the bakes' source (ast), so no bake needs installing; each bake's own
tests/test_tenant_context.py checks the meaning (tenant_context is atomic, nests, rolls back).
"""

import ast

import pytest

from .support import SLUG, TEMPLATE

TEMPLATE_PROJECT = TEMPLATE / "{{cookiecutter.project_slug}}"
# Each module written once per strategy that shared code calls: {name: its parameters as
# written, or None for a constant}. tenancy/isolation.py is the request path and a tenant's
# lifecycle; bootstrap.py and diagnostics.py prepare a database and prove it isolates;
# leftovers.py finds what a deleted tenant left in the database (tenancy/erasure.py's proof).
SEAM = {
    "isolation": {
        "RESERVED_SLUGS": None,
        "current_tenant": "",
        "drop_tenant": "tenant",
        "provision_tenant": "*, slug, name",
        "tenant_context": "tenant, using=DEFAULT_DB_ALIAS",
        "tenant_models": "",
        "tenant_session": "tenant, using=DEFAULT_DB_ALIAS",
    },
    "bootstrap": {"bootstrap_steps": "canary=0"},
    "diagnostics": {"isolation_violations": "", "readiness_checks": ""},
    "leftovers": {"leftover_data": "tenant"},
}


def offered(path):
    """(__all__, {function name: its parameters as written}) of a module."""
    tree = ast.parse(path.read_text())
    names = None
    signatures = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            names = ast.literal_eval(node.value)
        if isinstance(node, ast.FunctionDef):
            signatures[node.name] = ast.unparse(node.args)
    assert names is not None, f"{path} has no __all__: the seam must be written down"
    return names, {name: signatures.get(name) for name in names}


@pytest.mark.parametrize("strategy", ["schema", "rls"])
@pytest.mark.parametrize("module", sorted(SEAM))
def test_each_strategy_offers_the_seams_names_and_signatures(strategy_bakes, strategy, module):
    names, signatures = offered(strategy_bakes[strategy] / SLUG / "tenancy" / f"{module}.py")
    assert sorted(names) == sorted(SEAM[module]), f"tenancy/{module}.py's __all__ is not the seam's"
    assert signatures == SEAM[module]


def shared_modules(project):
    """The bake's Python files that come from the shared template tree, not from _strategy/."""
    for path in sorted(project.rglob("*.py")):
        relative = path.relative_to(project)
        template_path = TEMPLATE_PROJECT / str(relative).replace(SLUG, "{{cookiecutter.project_slug}}", 1)
        if template_path.is_file():
            yield relative, path


def seam_names_used(path):
    """{(module, name): line} of every name a module takes from a seam module."""
    tree = ast.parse(path.read_text())
    used, module_aliases = {}, {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            last = module.rpartition(".")[2]
            if last in SEAM and (module == last or module.endswith(f"tenancy.{last}")):
                used.update({(last, alias.name): node.lineno for alias in node.names})
            elif module.endswith("tenancy") or (node.level and module == ""):
                seam_modules = [alias for alias in node.names if alias.name in SEAM]
                module_aliases.update({alias.asname or alias.name: alias.name for alias in seam_modules})
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and getattr(node.value, "id", None) in module_aliases:
            used[(module_aliases[node.value.id], node.attr)] = node.lineno
    return used


@pytest.mark.parametrize("strategy", ["schema", "rls"])
def test_shared_code_uses_only_the_seam(strategy_bakes, strategy):
    project = strategy_bakes[strategy]
    uses = {relative: seam_names_used(path) for relative, path in shared_modules(project)}
    outside = [
        f"{relative}:{line}: tenancy/{module}.py's {name}"
        for relative, used in uses.items()
        for (module, name), line in used.items()
        if name not in SEAM[module]
    ]
    assert not outside, (
        "shared code uses names of the strategy modules outside their __all__ (the seam); add them to "
        "the seam in both strategies (and to SEAM here) or keep the caller in _strategy/:\n" + "\n".join(outside)
    )
    used_modules = {module for used in uses.values() for module, _name in used}
    assert used_modules == set(SEAM), f"the scan found no use of {sorted(set(SEAM) - used_modules)}"
