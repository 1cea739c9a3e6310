import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";

import type { Invitation } from "../api/client";
import { outcome, unwrap } from "../api/errors";
import { useTenant } from "../api/useTenant";
import { usePageTitle } from "../app";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { ErrorAlert } from "../components/ErrorAlert";
import { Field } from "../components/Field";
import { Loading } from "../components/Loading";
import { useAction } from "../components/useAction";
import { invitableRoles, type Role } from "../roles";

/**
 * /t/:slug/invitations (admins and owners): invite someone by email with a role (the server
 * mails them a link to /invitations/accept), see the invitations not yet accepted, revoke one
 * after confirming.
 */
export function Invitations() {
  const tenant = useTenant();
  usePageTitle("Invitations", tenant.name);
  const queryClient = useQueryClient();
  const key = [...tenant.key, "invitations"];
  const refresh = () => queryClient.invalidateQueries({ queryKey: key });
  const pending = useQuery({
    queryKey: key,
    queryFn: () =>
      unwrap(tenant.api.GET("/api/v1/invitations/", { params: { ...tenant.params, query: { limit: 200 } } })),
  });

  const roleId = useId();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("member");
  const [sent, setSent] = useState<string | null>(null);
  const invite = useAction(
    () => outcome(tenant.api.POST("/api/v1/invitations/", { params: tenant.params, body: { email, role } })),
    (made) => {
      setSent(`Invitation mailed to ${made.email}.`);
      setEmail("");
      return refresh();
    },
  );
  const [doomed, setDoomed] = useState<Invitation | null>(null);
  const revoke = useAction(
    (invitation: Invitation) =>
      outcome(
        tenant.api.DELETE("/api/v1/invitations/{id}/", { params: { ...tenant.params, path: { id: invitation.id } } }),
      ),
    () => {
      setDoomed(null);
      return refresh();
    },
  );

  function onInvite(event: FormEvent) {
    event.preventDefault();
    setSent(null);
    void invite.run();
  }

  return (
    <section>
      <hgroup>
        <h1>Invitations</h1>
        <p>{tenant.name}</p>
      </hgroup>
      <form onSubmit={onInvite} aria-label="Invite someone" className="invite">
        <Field label="Email" name="email" type="email" required value={email}
          onChange={(e) => setEmail(e.target.value)} failure={invite.failure} />
        <label htmlFor={roleId}>
          Role
          <select id={roleId} name="role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {invitableRoles(tenant.role).map((each) => (
              <option key={each} value={each}>
                {each}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={invite.pending} aria-busy={invite.pending}>
          Invite
        </button>
        <ErrorAlert failure={invite.failure} fields={["email", "role"]} />
        {sent && <p role="status">{sent}</p>}
      </form>

      <h2>Waiting for an answer</h2>
      {pending.isPending && <Loading>Loading invitations…</Loading>}
      {pending.isError && <ErrorAlert message={pending.error.message} />}
      {pending.isSuccess &&
        (pending.data.results.length === 0 ? (
          <p className="muted">No invitation is waiting.</p>
        ) : (
          <ul aria-label="Pending invitations" className="rows">
            {pending.data.results.map((invitation) => (
              <li key={invitation.id}>
                <span>{invitation.email}</span>
                <span className="muted">
                  {invitation.role} · until <time dateTime={invitation.expires}>{new Date(invitation.expires).toLocaleDateString()}</time>
                </span>
                <button type="button" className="outline secondary" aria-label={`Revoke ${invitation.email}`}
                  onClick={() => { revoke.clear(); setDoomed(invitation); }}>
                  Revoke
                </button>
              </li>
            ))}
          </ul>
        ))}
      {doomed && (
        <ConfirmDialog title="Revoke this invitation?" confirm="Revoke invitation" pending={revoke.pending}
          onConfirm={() => void revoke.run(doomed)} onCancel={() => setDoomed(null)}>
          <p>The link mailed to {doomed.email} stops working. You can invite them again later.</p>
          <ErrorAlert failure={revoke.failure} />
        </ConfirmDialog>
      )}
    </section>
  );
}
