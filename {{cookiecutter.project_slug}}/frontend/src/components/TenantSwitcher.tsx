import { useNavigate, useParams } from "react-router";

import type { Membership } from "../api/client";
import { paths } from "../paths";

/**
 * The user's tenants (from /auth/me/), one choice away on every page; a suspended one is listed,
 * labelled, and cannot be chosen. A tenant opened by its URL that is not one of them is shown as
 * it is named, and the API refuses it on the page.
 */
export function TenantSwitcher({ memberships }: { memberships: Membership[] }) {
  const navigate = useNavigate();
  const { slug = "" } = useParams();
  const known = memberships.some((membership) => membership.tenant === slug);
  return (
    <select
      aria-label="Tenant"
      value={slug}
      onChange={(event) => event.target.value && navigate(paths.projects(event.target.value))}
    >
      {!slug && <option value="">Choose a tenant…</option>}
      {slug && !known && <option value={slug}>{slug}</option>}
      {memberships.map((membership) => (
        <option key={membership.tenant} value={membership.tenant} disabled={membership.state === "suspended"}>
          {membership.state === "suspended" ? `${membership.name} (suspended)` : membership.name}
        </option>
      ))}
    </select>
  );
}
