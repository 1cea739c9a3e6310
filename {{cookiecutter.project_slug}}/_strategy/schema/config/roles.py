"""The database roles of the schema strategy: one role runs the migrations, creates a schema
for each new tenant and serves the requests. Read by config/database.py (every environment)
and config/dev_database.py (the embedded server of development and tests).
"""

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
