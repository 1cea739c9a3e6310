"""The fields of an audit entry, the same in every strategy; audit/models.py adds its isolation."""

from django.db import models
from django.utils import timezone


class EntryFields(models.Model):
    """One action in a tenant: who (``actor``), what (``action``), on what (``target``), when."""

    at = models.DateTimeField(default=timezone.now, editable=False)
    # The actor's email, not a key to the user: the trail outlives a deleted user; "" for the system.
    actor = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=100)
    target = models.CharField(max_length=300, blank=True)
    # The X-Request-ID of the request that acted ("" outside a request): the request's log lines.
    request_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor or 'system'} {self.action} {self.target}"
