"""How the schema strategy's statements that set the tenant look on the wire: they set the
search_path (tests/request_statements.py counts them)."""

import re

TENANT_SETTING = re.compile(r"search_path", re.I)
