import { Link } from "react-router";

import { usePageTitle } from "../app";
import { useMe } from "../auth/session";
import { paths } from "../paths";

/** /: the user's tenants, from /auth/me/; each opens its projects, but a suspended one is only labelled. */
export function Home() {
  usePageTitle("Your tenants");
  const memberships = useMe().data?.memberships ?? [];
  return (
    <section>
      <h1>Your tenants</h1>
      {memberships.length === 0 && <p className="muted">You are not a member of any tenant yet.</p>}
      <ul aria-label="Your tenants" className="rows">
        {memberships.map((membership) => (
          <li key={membership.tenant}>
            {membership.state === "suspended" ? (
              <span>
                {membership.name} <mark>suspended</mark>
              </span>
            ) : (
              <Link to={paths.projects(membership.tenant)}>{membership.name}</Link>
            )}
            <span className="muted">
              {membership.tenant} · {membership.role}
            </span>
          </li>
        ))}
      </ul>
      <p>
        <Link to={paths.newTenant} role="button" className="secondary">
          Create a tenant
        </Link>
      </p>
    </section>
  );
}
