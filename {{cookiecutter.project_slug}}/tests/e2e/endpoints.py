"""Every tenant-scoped API endpoint the isolation suites attack: the one list to extend.

A team that adds a tenant-scoped model adds one entry to ENDPOINTS (after the endpoints it
points at), with the extra actions of its viewset (``@action(detail=True)``). Every attack of
tests/test_isolation.py (in the test process) and of e2e/test_api_attacks.py (through the
running server), the seeded marker data and the concurrent load then cover it, with no other
change.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TenantScopedEndpoint:
    """One tenant-scoped endpoint, and how to make a valid object for it."""

    name: str  # the URL is /api/v1/<name>/
    model: str  # "app_label.ModelName" of the objects it serves
    fields: dict  # a valid body; "{marker}" in a string value becomes the tenant's marker and label
    parents: dict = field(default_factory=dict)  # foreign-key field -> name of the endpoint it points at
    actions: tuple = ()  # POST /api/v1/<name>/<id>/<action>/ of the viewset's detail actions

    @property
    def path(self):
        return f"/api/v1/{self.name}/"

    def detail(self, pk):
        return f"{self.path}{pk}/"

    def action(self, pk, action):
        return f"{self.detail(pk)}{action}/"

    def body(self, marker, parent_ids, label="object"):
        """A valid body carrying ``marker``, pointing at the objects ``parent_ids`` names."""
        values = {
            key: value.format(marker=f"{marker} {label}") if isinstance(value, str) else value
            for key, value in self.fields.items()
        }
        values.update({key: parent_ids[parent] for key, parent in self.parents.items()})
        return values

    def __str__(self):
        return self.name


ENDPOINTS = [
    TenantScopedEndpoint("projects", "projects.Project", {"name": "{marker}"}, actions=("recount",)),
    TenantScopedEndpoint(
        "tasks", "projects.Task", {"title": "{marker}", "done": False}, parents={"project": "projects"}
    ),
]

# Endpoints with a foreign key to another tenant-scoped endpoint: the "foreign key" attack.
ENDPOINTS_WITH_PARENTS = [endpoint for endpoint in ENDPOINTS if endpoint.parents]
# Every (endpoint, detail action): another tenant's object is as much a 404 there.
ACTIONS = [(endpoint, action) for endpoint in ENDPOINTS for action in endpoint.actions]
ACTION_IDS = [f"{endpoint.name}-{action}" for endpoint, action in ACTIONS]
