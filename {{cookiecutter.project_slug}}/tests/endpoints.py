"""Every tenant-scoped API endpoint the isolation suites attack, found in the URL configuration.

Nothing to list by hand: every ViewSet routed under /api/ that only the tenant URLConf serves
(config/urls.py, not config/urls_public.py) is an endpoint, its detail actions
(``@action(detail=True)``) included, and a valid object for it is derived from its serializer's
fields (tests/factory.py), foreign keys pointing at an object of the same tenant made first.
Every attack of tests/test_isolation.py (in the test process) and of e2e/test_api_attacks.py
(through the running server), the seeded marker data and the concurrent load then cover it.

What cannot be derived is declared in tests/endpoint_overrides.py. A tenant-scoped route
that no attack covers is in UNCOVERED, and tests/test_isolation.py fails naming it.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import URLResolver, get_resolver

from {{ cookiecutter.project_slug }}.tenancy.isolation import tenant_models

from .endpoint_overrides import OVERRIDES, TESTED_ELSEWHERE
from .factory import MARKER, NotDerivable, fill, writable_fields

API = "/api/v1/"
# What the attacks send: every verb of a DRF ModelViewSet.
CRUD = {"list", "create", "retrieve", "update", "partial_update", "destroy"}


@dataclass(frozen=True)
class TenantScopedEndpoint:
    """One tenant-scoped endpoint, and how to make a valid object for it."""

    name: str  # its path under /api/v1/ ("invoices"), and its test id
    model: str  # "app_label.ModelName" of the objects it serves
    fields: dict  # a valid body without its foreign keys; "{marker}" in its text fields
    parents: dict = field(default_factory=dict)  # foreign-key field -> name of the endpoint it points at
    actions: dict = field(default_factory=dict)  # detail action -> its HTTP method (POST .../<id>/<action>/)
    sources: dict = field(default_factory=dict)  # body field -> model field, where they differ

    @property
    def path(self):
        return f"{API}{self.name}/"

    @property
    def model_name(self):
        return self.model.rpartition(".")[2].lower()

    def detail(self, pk):
        return f"{self.path}{pk}/"

    def action(self, pk, action):
        return f"{self.detail(pk)}{action}/"

    def body(self, marker, parent_ids, label="object"):
        """A valid body carrying ``marker``, pointing at the objects ``parent_ids`` names."""
        return {
            **fill(self.fields, f"{marker} {label}"),
            **{key: parent_ids[parent] for key, parent in self.parents.items()},
        }

    def seed(self, text, parent_ids):
        """(field values, foreign-key ids) of ``model.objects.create()``, by model field name."""
        values = {self.sources.get(key, key): value for key, value in fill(self.fields, text).items()}
        parents = {self.sources.get(key, key): parent_ids[parent] for key, parent in self.parents.items()}
        return values, parents

    def __str__(self):
        return self.name


def routes(urlconf):
    """(path, view) of every route of ``urlconf``, its regular expressions' anchors dropped."""

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield "/" + re.sub(r"[\^$]", "", prefix + str(pattern.pattern)), pattern.callback

    # A router's format suffixes (.json) are the same views again.
    return [(path, view) for path, view in walk(get_resolver(urlconf).url_patterns, "") if "<format>" not in path]


def tenant_scoped_routes():
    """(path, view) of every API route that only the tenant URLConf serves."""
    public = {path for path, _view in routes(settings.PUBLIC_URLCONF)}
    return [(path, view) for path, view in routes(settings.ROOT_URLCONF) if path.startswith(API) and path not in public]


def derive(viewset, views, uncovered):
    """The endpoint of ``viewset``'s routes ``views`` [(path, view)]; its uncovered routes go to ``uncovered``."""
    offered = {action for _path, view in views for action in view.actions.values()}
    list_path = next((path for path, view in views if "list" in view.actions.values()), None)
    if list_path is None or not CRUD <= offered:
        raise NotDerivable(f"{viewset.__name__} offers {sorted(offered & CRUD)}, not every verb of a ModelViewSet")
    name = list_path.removeprefix(API).rstrip("/")
    actions = {}
    for path, view in views:
        extra = [method for method, action in view.actions.items() if action not in CRUD]
        if extra and view.initkwargs.get("detail"):
            actions[path.rstrip("/").rpartition("/")[2]] = extra[0].upper()
        elif extra:
            uncovered[path] = "an action on the list (detail=False): the attacks cover detail actions only"
    if viewset.queryset is None:
        raise NotDerivable(f"{viewset.__name__} has no queryset: its model cannot be found")
    model = viewset.queryset.model
    if model not in tenant_models():
        raise NotDerivable(f"{viewset.__name__} serves {model.__name__}, which is not a tenant-scoped model")
    declared = OVERRIDES.get(name, {}).get("fields", {})
    serializer = viewset(action="create", request=None, format_kwarg=None, kwargs={}).get_serializer_class()()
    values, parent_models = writable_fields(serializer, skip=set(declared))
    values.update(declared)
    if not any(isinstance(value, str) and MARKER in value for value in values.values()):
        raise NotDerivable(f"no text field carries the tenant's marker: declare one with {MARKER!r} in its value")
    sources = {
        key: serializer.fields[key].source
        for key in [*values, *parent_models]
        if key in serializer.fields and serializer.fields[key].source != key
    }
    endpoint = TenantScopedEndpoint(name, f"{model._meta.app_label}.{model.__name__}", values, {}, actions, sources)
    return endpoint, parent_models


def in_parent_order(derived, uncovered):
    """The endpoints, each after those its foreign keys point at; one that cannot be made is uncovered."""
    serving = {}
    for endpoint, _parents in derived:
        serving.setdefault(endpoint.model, endpoint.name)
    pending = {}
    for endpoint, parent_models in derived:
        labels = {key: f"{model._meta.app_label}.{model.__name__}" for key, model in parent_models.items()}
        if missing := sorted({label for label in labels.values() if label not in serving}):
            uncovered[endpoint.path] = f"points at {', '.join(missing)}, which no tenant-scoped endpoint serves"
            continue
        parents = {key: serving[label] for key, label in labels.items()}
        pending[endpoint.name] = TenantScopedEndpoint(**{**endpoint.__dict__, "parents": parents})
    ordered = {}
    while ready := [each for each in pending.values() if set(each.parents.values()) <= set(ordered)]:
        for each in ready:
            ordered[each.name] = pending.pop(each.name)
    for each in pending.values():
        uncovered[each.path] = "points at an endpoint that is not attacked, or its foreign keys form a cycle"
    return list(ordered.values())


def discover():
    """(endpoints in parent order, {path: why no attack covers it})."""
    uncovered = {}
    by_viewset = {}
    for path, view in tenant_scoped_routes():
        if path in TESTED_ELSEWHERE:
            continue
        if not getattr(view, "actions", None):
            uncovered[path] = "not a route of a ViewSet"
            continue
        by_viewset.setdefault((view.cls, view.initkwargs.get("basename")), []).append((path, view))
    derived = []
    for (viewset, _basename), views in by_viewset.items():
        try:
            derived.append(derive(viewset, views, uncovered))
        except NotDerivable as exc:
            uncovered[views[0][0]] = str(exc)
    return in_parent_order(derived, uncovered), uncovered


ENDPOINTS, UNCOVERED = discover()
# Endpoints with a foreign key to another tenant-scoped endpoint: the "foreign key" attack.
ENDPOINTS_WITH_PARENTS = [endpoint for endpoint in ENDPOINTS if endpoint.parents]
# Every (endpoint, detail action): another tenant's object is as much a 404 there.
ACTIONS = [(endpoint, action) for endpoint in ENDPOINTS for action in endpoint.actions]
ACTION_IDS = [f"{endpoint.name}-{action}" for endpoint, action in ACTIONS]
