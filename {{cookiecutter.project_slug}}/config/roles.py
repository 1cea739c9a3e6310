"""The database roles.
{% if cookiecutter.tenancy_strategy == "schema" %}
One role runs the migrations, creates a schema for each new tenant and serves the requests.
{%- else %}
The table owner runs migrations and bootstrap; the runtime role serves requests, owns nothing
and cannot bypass Row Level Security (docs/production-roles.md).
{%- endif %}
Read by config/database.py (every environment) and config/dev_database.py (the embedded
server of development and tests).
"""
{%- if cookiecutter.tenancy_strategy == "schema" %}

# django-tenants' backend, setting the search_path once per transaction, inside it
# ({{ cookiecutter.project_slug }}/tenancy/postgresql/base.py).
ENGINE = "{{ cookiecutter.project_slug }}.tenancy.postgresql"

# Each DATABASES alias, and the environment variable that holds its URL.
URL_VARIABLES = {"default": "DATABASE_URL"}

# The embedded server: the role behind each URL variable (its superuser, which creates
# schemas), the roles it creates on first use (none), and the owner of its database.
EMBEDDED_ROLES = {"DATABASE_URL": "postgres"}
EMBEDDED_ROLE_OPTIONS = {}
EMBEDDED_DATABASE_OWNER = "postgres"
{%- else %}

ENGINE = "django.db.backends.postgresql"

# Each DATABASES alias, and the environment variable that holds its URL.
URL_VARIABLES = {
    "default": "DATABASE_URL",
    # The table owner: runs migrations and bootstrap. Requests never use it.
    "owner": "DATABASE_OWNER_URL",
}

# The embedded server has the same two roles as production: the role behind each URL
# variable, the options it is created with on first use, and the owner of its database.
EMBEDDED_ROLES = {
    "DATABASE_OWNER_URL": "{{ cookiecutter.project_slug }}_owner",
    "DATABASE_URL": "{{ cookiecutter.project_slug }}_app",
}
EMBEDDED_ROLE_OPTIONS = {
    "{{ cookiecutter.project_slug }}_owner": "LOGIN NOSUPERUSER NOBYPASSRLS CREATEDB",
    "{{ cookiecutter.project_slug }}_app": "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE",
}
EMBEDDED_DATABASE_OWNER = "{{ cookiecutter.project_slug }}_owner"
{%- endif %}
