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
    # Memberships are a shared table, served by plain views (list, change a role, remove).
    "/api/v1/members/": "tests/test_members.py::test_any_member_lists_this_tenants_members_only, "
    "test_a_caller_who_is_not_a_member_is_refused",
    "/api/v1/members/<pk>/": "tests/test_members.py::test_another_tenants_member_by_id_is_404_and_unchanged, "
    "test_a_caller_who_is_not_a_member_is_refused, test_only_an_owner_changes_roles, "
    "test_a_member_cannot_remove_anyone",
    # The request's tenant itself: no object of another tenant to name.
    "/api/v1/tenant/": "tests/test_workspaces.py::test_the_owner_of_another_tenant_cannot_delete_it, "
    "test_only_an_owner_deletes_the_tenant",
    # A read-only list (no object to retrieve, change or delete): its own attacks, and over HTTP.
    "/api/v1/audit/": "tests/test_audit.py, tests/e2e/test_audit_trail.py",
    # Invitations are a shared table (accepted by token, outside every tenant), filtered by tenant in
    # their view: every attack above is sent to them there, with the token attacks.
    "/api/v1/invitations/": "tests/test_invitations.py",
    "/api/v1/invitations/<pk>/": "tests/test_invitations.py",
}
