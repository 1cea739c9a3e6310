"""A valid object for any serializer, derived from its fields: what the isolation suites create.

Each writable field gets a value its serializer accepts: ``"{marker}"`` in every text field
(replaced by the tenant's marker, so an answer that leaks it is caught), the first choice, a
fixed number, date or flag otherwise. A foreign key is a parent: the attack fills in the id of
an object of the same tenant, made first. A field whose value cannot be derived is named, so
that tests/endpoint_overrides.py can declare it.
"""

from rest_framework import serializers

MARKER = "{marker}"
# The first match wins: subclasses before their bases (an EmailField is a CharField).
SAMPLES = [
    (serializers.ChoiceField, lambda field: next(iter(field.choices))),
    (serializers.BooleanField, lambda field: False),
    (serializers.EmailField, lambda field: "someone@example.test"),
    (serializers.URLField, lambda field: "https://example.test/"),
    (serializers.SlugField, None),
    (serializers.RegexField, None),
    (serializers.IPAddressField, lambda field: "192.0.2.1"),
    (serializers.UUIDField, lambda field: "00000000-0000-4000-8000-000000000001"),
    (serializers.CharField, lambda field: MARKER),
    (serializers.IntegerField, lambda field: max(field.min_value or 0, 1)),
    (serializers.FloatField, lambda field: 1.0),
    (serializers.DecimalField, lambda field: "1"),
    (serializers.DateTimeField, lambda field: "2024-01-01T00:00:00Z"),
    (serializers.DateField, lambda field: "2024-01-01"),
    (serializers.TimeField, lambda field: "12:00:00"),
    (serializers.DurationField, lambda field: "00:01:00"),
    (serializers.JSONField, lambda field: {}),
    (serializers.DictField, lambda field: {}),
    (serializers.ListField, lambda field: []),
]


class NotDerivable(Exception):
    """A field needs a value that only the team knows: declare it in endpoint_overrides.py."""


def sample(field):
    """A value ``field`` accepts, or None when its type has no sample here."""
    for kind, make in SAMPLES:
        if isinstance(field, kind):
            return make(field) if make else None
    return None


def writable_fields(serializer, skip=()):
    """(values, parents) of a valid body: {field: value}, {field: the model its foreign key points at}.

    Fields named in ``skip`` are left out (their values are declared). Raises NotDerivable
    naming every required field it cannot fill.
    """
    values, parents, missing = {}, {}, []
    for name, field in serializer.fields.items():
        if field.read_only or name in skip:
            continue
        if isinstance(field, serializers.RelatedField) and getattr(field, "queryset", None) is not None:
            parents[name] = field.queryset.model
        elif (value := sample(field)) is not None:
            values[name] = value
        elif field.required:
            missing.append(f"{name} ({type(field).__name__})")
    if missing:
        raise NotDerivable(f"no value for the required field(s) {', '.join(missing)}: declare one")
    return values, parents


def fill(values, text):
    """``values`` with "{marker}" replaced by ``text`` in every string."""
    return {key: value.replace(MARKER, text) if isinstance(value, str) else value for key, value in values.items()}
