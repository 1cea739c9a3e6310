from {{ cookiecutter.project_slug }}.teams.management.tenant_state_command import TenantStateCommand


class Command(TenantStateCommand):
    help = "Resume a suspended tenant: its requests are served again, as before the suspension."
    suspended = False
    done = "Resumed tenant {slug}: running web processes serve it again within {seconds} s (TENANT_CACHE_SECONDS)."
    unchanged = "Tenant {slug} was not suspended."
