"""The database roles the tests connect as, rls strategy: two, as in production.

The owner (DATABASE_OWNER_URL) owns the tables, runs migrations and bootstrap, and makes the
test databases; requests run as the runtime role (DATABASE_URL), which owns nothing, so every
policy applies to them (docs/production-roles.md). tests/support.py reads these names.
"""

# What names the database for a management command: requests' role and the owner.
DATABASE_VARIABLES = ("DATABASE_URL", "DATABASE_OWNER_URL")
# The Django alias of the role that creates and drops the test databases.
ADMIN_ALIAS = "owner"
# Login roles the suite creates when the server lacks them (a CI PostgreSQL service starts with
# only its superuser): alias -> attributes. Privileges come from bootstrap, never from here.
CREATED_ROLES = {"default": "LOGIN NOSUPERUSER NOBYPASSRLS"}
