import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import type { Member } from "../api/client";
import { outcome, unwrap } from "../api/errors";
import { useTenant } from "../api/useTenant";
import { usePageTitle } from "../app";
import { useMe } from "../auth/session";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { ErrorAlert } from "../components/ErrorAlert";
import { Loading } from "../components/Loading";
import { useAction } from "../components/useAction";
import { canChangeRoles, canRemove, ROLES, type Role } from "../roles";

/**
 * /t/:slug/members: who is in the tenant and their role. An owner changes roles; an admin or
 * owner removes a member (after confirming). What the user's role cannot do is not offered.
 */
export function Members() {
  const tenant = useTenant();
  usePageTitle("Members", tenant.name);
  const myEmail = useMe().data?.email;
  const queryClient = useQueryClient();
  const key = [...tenant.key, "members"];
  const refresh = () => queryClient.invalidateQueries({ queryKey: key });
  const members = useQuery({
    queryKey: key,
    queryFn: () => unwrap(tenant.api.GET("/api/v1/members/", { params: { ...tenant.params, query: { limit: 200 } } })),
  });
  const [doomed, setDoomed] = useState<Member | null>(null);
  const remove = useAction(
    (member: Member) =>
      outcome(tenant.api.DELETE("/api/v1/members/{id}/", { params: { ...tenant.params, path: { id: member.id } } })),
    () => {
      setDoomed(null);
      return refresh();
    },
  );

  return (
    <section>
      <hgroup>
        <h1>Members</h1>
        <p>{tenant.name}</p>
      </hgroup>
      {members.isPending && <Loading>Loading members…</Loading>}
      {members.isError && <ErrorAlert message={members.error.message} />}
      {members.isSuccess && (
        <>
          <ul aria-label="Member list" className="rows">
            {members.data.results.map((member) => (
              <li key={member.id}>
                <span>
                  {member.email}
                  {member.email === myEmail && <span className="muted"> (you)</span>}
                </span>
                {canChangeRoles(tenant.role) ? (
                  <RoleChoice member={member} onChanged={refresh} />
                ) : (
                  <span className="muted">{member.role}</span>
                )}
                {canRemove(tenant.role, member.role) && member.email !== myEmail && (
                  <button type="button" className="outline secondary" aria-label={`Remove ${member.email}`}
                    onClick={() => { remove.clear(); setDoomed(member); }}>
                    Remove
                  </button>
                )}
              </li>
            ))}
          </ul>
          {members.data.count > members.data.results.length && (
            <p className="muted">The first {members.data.results.length} of {members.data.count}.</p>
          )}
        </>
      )}
      {doomed && (
        <ConfirmDialog title="Remove this member?" confirm="Remove member" pending={remove.pending}
          onConfirm={() => void remove.run(doomed)} onCancel={() => setDoomed(null)}>
          <p>
            {doomed.email} loses access to {tenant.name} at once. They can come back only through a new invitation.
          </p>
          <ErrorAlert failure={remove.failure} />
        </ConfirmDialog>
      )}
    </section>
  );
}

/** An owner's choice of a member's role: saved as soon as it is picked, disabled while on its way. */
function RoleChoice({ member, onChanged }: { member: Member; onChanged: () => Promise<unknown> }) {
  const tenant = useTenant();
  const change = useAction(
    (role: Role) =>
      outcome(
        tenant.api.PATCH("/api/v1/members/{id}/", { params: { ...tenant.params, path: { id: member.id } }, body: { role } }),
      ),
    onChanged,
  );
  return (
    <span className="role">
      <select aria-label={`Role of ${member.email}`} value={member.role} disabled={change.pending}
        aria-busy={change.pending} onChange={(event) => void change.run(event.target.value as Role)}>
        {ROLES.map((role) => (
          <option key={role} value={role}>
            {role}
          </option>
        ))}
      </select>
      <ErrorAlert failure={change.failure} />
    </span>
  );
}
