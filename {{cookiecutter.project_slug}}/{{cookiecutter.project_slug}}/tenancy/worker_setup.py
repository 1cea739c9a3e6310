"""Imported once by for_each_tenant's fork server (tenancy/command_pool.py): Django set up, with
no connection opened, so that each worker forked from it starts ready."""

import django

try:
    django.setup()
except Exception:  # noqa: BLE001, S110 - reported where the user sees it, below
    # Raised here, it would end the fork server with no word to the user. Each worker sets
    # Django up again (a no-op after a success), and for_each_tenant reports that error.
    pass
