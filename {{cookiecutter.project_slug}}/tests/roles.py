"""What the tests know of the database: the {% if cookiecutter.tenancy_strategy == "schema" %}one role{% else %}two roles{% endif %} they connect as, as in production, and
how the statement that sets a transaction's tenant looks on the wire.

{% if cookiecutter.tenancy_strategy == "schema" -%}
The role of DATABASE_URL owns every schema, runs migrations and bootstrap, serves requests and
makes the test databases.
{%- else -%}
The owner (DATABASE_OWNER_URL) owns the tables, runs migrations and bootstrap, and makes the
test databases; requests run as the runtime role (DATABASE_URL), which owns nothing, so every
policy applies to them (docs/production-roles.md).
{%- endif %}
tests/support.py, tests/request_statements.py and tests/test_connection_recycling.py read these names.
"""

import re
{% if cookiecutter.tenancy_strategy == "schema" %}
# What names the database for a management command.
DATABASE_VARIABLES = ("DATABASE_URL",)
# The Django alias of the role that creates and drops the test databases.
ADMIN_ALIAS = "default"
# Login roles the suite creates when the server lacks them: none, the one role is the server's.
CREATED_ROLES = {}
# The statement that sets the tenant sets the search_path.
TENANT_SETTING = re.compile(r"search_path", re.I)
# A session caches the tables of each tenant it serves, so it grows with them.
SESSION_GROWS_WITH_TENANTS = True
{%- else %}
# What names the database for a management command: requests' role and the owner.
DATABASE_VARIABLES = ("DATABASE_URL", "DATABASE_OWNER_URL")
# The Django alias of the role that creates and drops the test databases.
ADMIN_ALIAS = "owner"
# Login roles the suite creates when the server lacks them (a CI PostgreSQL service starts with
# only its superuser): alias -> attributes. Privileges come from bootstrap, never from here.
CREATED_ROLES = {"default": "LOGIN NOSUPERUSER NOBYPASSRLS"}
# The statement that sets the tenant is set_config of app.tenant_id.
TENANT_SETTING = re.compile(r"set_config\('app\.tenant_id'", re.I)
# Every tenant uses the same tables: a session does not grow with the tenants it serves.
SESSION_GROWS_WITH_TENANTS = False
{%- endif %}
