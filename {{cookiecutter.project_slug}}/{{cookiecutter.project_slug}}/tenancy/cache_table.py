"""The database cache's table: bootstrap creates it wherever the shared cache lives in PostgreSQL."""

from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.management.commands.createcachetable import Command as CreateCacheTable


def create_cache_table(verbosity, database):
    """The default cache's table on ``database``, unless that cache is Redis (REDIS_URL)."""
    cache = caches["default"]
    if isinstance(cache, DatabaseCache):
        # Not `manage.py createcachetable`: the database router would skip the table.
        command = CreateCacheTable()
        command.verbosity = verbosity
        command.create_table(database, cache._table, dry_run=False)
