"""The seam: both strategies' tenancy/isolation.py offer the same names (``__all__``) with the
same signatures, those of tenancy/seam.py, and the shared code uses no other name of it.

Read from the bakes' source (ast), so no bake needs installing; each bake's own
tests/test_seam.py checks the same with inspect, and the meaning (tenant_context is atomic).
"""

import ast

import pytest

from .support import SLUG, TEMPLATE

ISOLATION = f"{SLUG}/tenancy/isolation.py"
SEAM = f"{SLUG}/tenancy/seam.py"
TEMPLATE_PROJECT = TEMPLATE / "{{cookiecutter.project_slug}}"


def offered(path):
    """(__all__, {function name: its parameters as written}) of a module."""
    tree = ast.parse(path.read_text())
    names = signatures = None
    signatures = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            names = ast.literal_eval(node.value)
        if isinstance(node, ast.FunctionDef):
            signatures[node.name] = ast.unparse(node.args)
    assert names is not None, f"{path} has no __all__: the seam must be written down"
    return names, {name: signatures[name] for name in names if name in signatures}


def seam_table(project):
    tree = ast.parse((project / SEAM).read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "SEAM":
            return ast.literal_eval(node.value)
    raise AssertionError(f"{SEAM} defines no SEAM")


def test_both_strategies_offer_the_same_names_with_the_same_signatures(strategy_bakes):
    schema_names, schema_signatures = offered(strategy_bakes["schema"] / ISOLATION)
    rls_names, rls_signatures = offered(strategy_bakes["rls"] / ISOLATION)
    assert sorted(schema_names) == sorted(rls_names)
    assert schema_signatures == rls_signatures
    table = seam_table(strategy_bakes["rls"])
    assert sorted(table) == sorted(rls_names), f"{SEAM} and __all__ disagree"
    assert {name for name, signature in table.items() if signature is not None} == set(rls_signatures)
    assert "using=DEFAULT_DB_ALIAS" in rls_signatures["tenant_context"]


def shared_modules(project):
    """The bake's Python files that come from the shared template tree, not from _strategy/."""
    for path in sorted(project.rglob("*.py")):
        relative = path.relative_to(project)
        template_path = TEMPLATE_PROJECT / str(relative).replace(SLUG, "{{cookiecutter.project_slug}}", 1)
        if template_path.is_file():
            yield relative, path


def isolation_names_used(path):
    """{name: line} of every name a module takes from tenancy/isolation.py."""
    tree = ast.parse(path.read_text())
    used, module_aliases = {}, set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module == "isolation" or module.endswith("tenancy.isolation"):
                used.update({alias.name: node.lineno for alias in node.names})
            elif module.endswith("tenancy") or (node.level and module == ""):
                module_aliases.update(alias.asname or alias.name for alias in node.names if alias.name == "isolation")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and getattr(node.value, "id", None) in module_aliases:
            used[node.attr] = node.lineno
    return used


@pytest.mark.parametrize("strategy", ["schema", "rls"])
def test_shared_code_uses_only_the_seam(strategy_bakes, strategy):
    project = strategy_bakes[strategy]
    seam, _signatures = offered(project / ISOLATION)
    outside = [
        f"{relative}:{line}: {name}"
        for relative, path in shared_modules(project)
        for name, line in isolation_names_used(path).items()
        if name not in seam and not name.startswith("__")  # __all__ itself: the bake's test_seam.py reads it
    ]
    assert not outside, (
        "shared code uses names of tenancy/isolation.py outside its __all__ (the seam, tenancy/seam.py); "
        "add them to the seam in both strategies or keep the caller in _strategy/:\n" + "\n".join(outside)
    )
    assert any(isolation_names_used(path) for _relative, path in shared_modules(project)), "the scan found no use"
