"""How the rls strategy's statements that set the tenant look on the wire: set_config of
app.tenant_id (tests/request_statements.py counts them)."""

import re

TENANT_SETTING = re.compile(r"set_config\('app\.tenant_id'", re.I)
