"""What the isolation suites cannot derive about an endpoint: declared here, and only here.

Most endpoints need nothing: tests/endpoints.py finds them in the URL configuration and
derives a valid object from their serializer. When a test names an endpoint as uncovered,
declare what it lacks.
"""

# Endpoint name (its path under /api/v1/) -> {"fields": {field: a valid value}}: the values its
# serializer's fields do not say (a field with a pattern, a nested object); "{marker}" in a
# string value becomes the tenant's marker, which at least one text field must carry.
OVERRIDES = {}

# A tenant-scoped route that the generic attacks cannot send (a plain APIView, an action on
# the list) -> the test that proves its isolation instead.
TESTED_ELSEWHERE = {
    # Invitations are a shared table (accepted by token, outside every tenant), filtered by tenant in
    # their view: every attack above is sent to them there, with the token attacks.
    "/api/v1/invitations/": "tests/test_invitations.py",
    "/api/v1/invitations/<pk>/": "tests/test_invitations.py",
}
