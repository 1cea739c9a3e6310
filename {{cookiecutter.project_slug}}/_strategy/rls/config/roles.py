"""The database roles of the rls strategy: the table owner runs migrations and bootstrap; the
runtime role serves requests, owns nothing and cannot bypass Row Level Security
(docs/production-roles.md). Read by config/database.py (every environment) and
config/dev_database.py (the embedded server of development and tests).
"""

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
