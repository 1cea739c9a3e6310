"""The database role the tests connect as, schema strategy: one, as in production.

The role of DATABASE_URL owns every schema, runs migrations and bootstrap, serves requests and
makes the test databases. tests/support.py reads these names.
"""

# What names the database for a management command.
DATABASE_VARIABLES = ("DATABASE_URL",)
# The Django alias of the role that creates and drops the test databases.
ADMIN_ALIAS = "default"
# Login roles the suite creates when the server lacks them: none, the one role is the server's.
CREATED_ROLES = {}
