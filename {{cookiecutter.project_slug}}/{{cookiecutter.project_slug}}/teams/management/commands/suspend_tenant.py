from {{ cookiecutter.project_slug }}.teams.management.tenant_state_command import TenantStateCommand


class Command(TenantStateCommand):
    help = "Suspend a tenant: every tenant-scoped request to it answers 403 until resume_tenant. Nothing is deleted."
    suspended = True
    done = (
        "Suspended tenant {slug}: running web processes answer its requests with 403 "
        "within {seconds} s (TENANT_CACHE_SECONDS)."
    )
    unchanged = "Tenant {slug} was already suspended."
