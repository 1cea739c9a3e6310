import { useState, type FormEvent } from "react";

import type { Me } from "../api/client";

/** The user's tenants from /api/v1/auth/me/, and any other slug (which the API then refuses). */
export function TenantPicker({ me, onPick }: { me: Me; onPick: (slug: string) => void }) {
  const [slug, setSlug] = useState("");

  function open(event: FormEvent) {
    event.preventDefault();
    const name = slug.trim().toLowerCase();
    if (name) onPick(name);
  }

  return (
    <section>
      {me.memberships.length === 0 && <p className="muted">You are not a member of any tenant yet.</p>}
      <ul aria-label="Your tenants">
        {me.memberships.map((membership) => (
          <li key={membership.tenant}>
            <span>
              {membership.name} <span className="muted">({membership.role})</span>
            </span>
            <button type="button" onClick={() => onPick(membership.tenant)}>
              Open {membership.tenant}
            </button>
          </li>
        ))}
      </ul>
      <form onSubmit={open} aria-label="Open another tenant">
        <input aria-label="Tenant slug" placeholder="another tenant's slug" value={slug} onChange={(e) => setSlug(e.target.value)} />
        <button type="submit">Open</button>
      </form>
    </section>
  );
}
