"""A bake reads as if written by hand for its strategy: no trace of the other one.

Each strategy is baked once (one routing is enough: routing does not change what a strategy
names) and every file the bake would commit is searched for the other strategy's names:
code, comments, help texts, messages, tests, config. Only the comparison page of the baked
docs may describe the other strategy.
"""

import re

import pytest

from .support import tracked_files

# The one baked page allowed to describe the other strategy (the docs' comparison page).
COMPARISON_PAGE = "docs/the-other-strategy.md"
ALLOWED = {COMPARISON_PAGE}

# What only the schema strategy says: an rls bake must not contain any of these.
SCHEMA_TRACES = [
    r"django[-_]tenants",
    r"\bsearch_path\b",
    r"\bschema_name\b",
    r"\bmigrate_schemas\b",
    r"\bschema_context\b",
    r"\b(TenantMixin|DomainMixin|TENANT_APPS|SHARED_APPS|TENANT_BASE_SCHEMA)\b",
    r"""TENANCY_STRATEGY\s*==\s*["']schema["']""",
    r"\bschema[- ]strategy\b",
    r"\bschemas?[- ]per[- ]tenant\b",
    r"\bper[- ]tenant schemas?\b",
    r"\bpublic schema\b",
    r"\b(every|each|tenant|its|tenant's) schemas?\b",
    r"(?<!\w)\(schema\)",  # "(schema)" in prose, not a call such as operations(schema)
    r"\bschema or (rls|policies|row)",
    r"\b(rls|policies) or schemas?\b",
]
# What only the rls strategy says: a schema bake must not contain any of these.
RLS_TRACES = [
    r"DATABASE_OWNER_URL",
    r"\brls\b",
    r"bypassrls",
    r"\brow[- ]level\b",
    r"\bset_config\b(?!\('search_path')",
    r"\bcurrent_setting\b",
    r"\bruntime[ _-]roles?\b",
    r"\b(tenant|rls|row) polic(y|ies)\b",
    r"\b(pg_policies|create policy)\b",
    r"\bshared tables\b",
    r"\bTenantScopedModel\b",
]
OTHER = {"rls": SCHEMA_TRACES, "schema": RLS_TRACES}


def traces(project, patterns):
    """["path:line: text  [pattern]"] for every line that names the other strategy."""
    compiled = [re.compile(pattern, re.IGNORECASE) for pattern in patterns]
    hits = []
    for name in tracked_files(project):
        if name in ALLOWED:
            continue
        try:
            text = (project / name).read_text()
        except UnicodeDecodeError:
            continue  # a binary file (an icon): no prose in it
        for number, line in enumerate(text.splitlines(), start=1):
            for pattern in compiled:
                if pattern.search(line):
                    hits.append(f"{name}:{number}: {line.strip()[:160]}  [{pattern.pattern}]")
                    break
    return hits


@pytest.mark.parametrize("strategy", sorted(OTHER))
def test_a_bake_names_only_its_own_strategy(strategy_bakes, strategy):
    hits = traces(strategy_bakes[strategy], OTHER[strategy])
    assert not hits, (
        f"{len(hits)} line(s) of the {strategy} bake name the other strategy; move strategy-specific "
        f"text into _strategy/<strategy>/ (only {COMPARISON_PAGE} may compare):\n" + "\n".join(hits)
    )


@pytest.mark.parametrize(
    ("line", "strategy"),
    [
        ("from django_tenants.utils import tenant_context", "rls"),
        ("# with the schema strategy, the public schema", "rls"),
        ('if settings.TENANCY_STRATEGY == "schema":', "rls"),
        ("then tenant migrations (schema) or policies (rls)", "rls"),
        ("the database answers and every schema is migrated", "rls"),
        ("DATABASE_OWNER_URL=postgres://owner@db/app", "schema"),
        ('if settings.TENANCY_STRATEGY == "rls":', "schema"),
        ("cursor.execute(\"SELECT set_config('app.tenant_id', %s, true)\")", "schema"),
        ("the runtime role's privileges", "schema"),
        ("Row Level Security on every table", "schema"),
    ],
)
def test_the_patterns_catch_real_leaks(tmp_path, line, strategy):
    (tmp_path / "leak.py").write_text(f"{line}\n")
    assert traces(tmp_path, OTHER[strategy]) == [f"leak.py:1: {line}  [{_first_match(line, strategy)}]"]


@pytest.mark.parametrize(
    ("line", "strategy"),
    [
        ('schema = client.get("/api/v1/schema/?format=json").json()', "rls"),
        ("def operations(schema):", "rls"),
        ("# The schema as the server answers (see api/schema.py).", "rls"),
        ("GRANT USAGE ON SCHEMA public TO {role}", "rls"),
        ("SELECT set_config('search_path', %s, true)", "schema"),
        ('SECURE_REFERRER_POLICY = "same-origin"', "schema"),
        ("one role owns every schema here", "schema"),
    ],
)
def test_the_patterns_spare_each_strategys_own_words(tmp_path, line, strategy):
    (tmp_path / "own.py").write_text(f"{line}\n")
    assert traces(tmp_path, OTHER[strategy]) == []


def _first_match(line, strategy):
    return next(pattern for pattern in OTHER[strategy] if re.search(pattern, line, re.IGNORECASE))
