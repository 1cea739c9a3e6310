"""Imported once by for_each_tenant's fork server (tenancy/command_pool.py): Django set up, with
no connection opened, so that each worker forked from it starts ready."""

import django

django.setup()
