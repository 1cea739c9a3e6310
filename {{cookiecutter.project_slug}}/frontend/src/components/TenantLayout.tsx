import { NavLink, Outlet } from "react-router";

import { useTenant } from "../api/useTenant";
import { usePageTitle } from "../app";
import { paths } from "../paths";
import { canManage } from "../roles";

/**
 * Every ``/t/:slug/...`` page: the tenant's sections its user's role may open (members for
 * everyone, invitations and the audit trail for admins and owners), then the page. A suspended
 * tenant is not opened: the API would refuse every request to it.
 */
export function TenantLayout() {
  const tenant = useTenant();
  if (tenant.suspended) return <Suspended name={tenant.name} />;
  return (
    <>
      <nav aria-label="Tenant sections" className="sections">
        <ul>
          <li>
            <NavLink to={paths.projects(tenant.slug)}>Projects</NavLink>
          </li>
          <li>
            <NavLink to={paths.members(tenant.slug)}>Members</NavLink>
          </li>
          {canManage(tenant.role) && (
            <>
              <li>
                <NavLink to={paths.invitations(tenant.slug)}>Invitations</NavLink>
              </li>
              <li>
                <NavLink to={paths.audit(tenant.slug)}>Audit trail</NavLink>
              </li>
            </>
          )}
        </ul>
      </nav>
      <Outlet />
    </>
  );
}

function Suspended({ name }: { name: string }) {
  usePageTitle("Suspended", name);
  return (
    <section>
      <h1>{name}</h1>
      <p role="alert" className="error">
        This tenant is suspended: nobody can open it until it is resumed. Ask the people who run this service.
      </p>
    </section>
  );
}
