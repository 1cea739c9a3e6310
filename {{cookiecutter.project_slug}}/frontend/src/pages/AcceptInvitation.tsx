import { useQueryClient } from "@tanstack/react-query";
import { Link, useLocation, useNavigate, useSearchParams } from "react-router";

import { apiClient } from "../api/client";
import { ApiFailure, outcome } from "../api/errors";
import { usePageTitle } from "../app";
import { useMe, useSession } from "../auth/session";
import { ErrorAlert } from "../components/ErrorAlert";
import { Loading } from "../components/Loading";
import { useAction } from "../components/useAction";
import { paths, signInFor, signUpFor } from "../paths";

/**
 * /invitations/accept?token=...: the page an invitation's mail links to. Signed out, the person
 * signs in or creates an account first, and comes back here (``next`` keeps the token); signed
 * in, one click posts the token to /api/v1/invitations/accept/, then the tenant opens. The
 * server accepts it only for the account of the email it was sent to.
 */
export function AcceptInvitation() {
  usePageTitle("Join a tenant");
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const location = useLocation();
  const here = location.pathname + location.search;
  const { token: session } = useSession();
  const me = useMe();
  const signedOut = !session || (me.error instanceof ApiFailure && me.error.status === 401);

  return (
    <article className="narrow">
      <h1>Join a tenant</h1>
      {!token ? (
        <p role="alert" className="error">
          This page opens from the link in an invitation mail.
        </p>
      ) : signedOut ? (
        <>
          <p>You have been invited to a tenant. Sign in, or create an account with the email the invitation was sent to, to accept it.</p>
          <p>
            <Link to={signInFor(here)} role="button">Sign in</Link>{" "}
            <Link to={signUpFor(here)} role="button" className="secondary">Create an account</Link>
          </p>
        </>
      ) : me.isPending ? (
        <Loading>Loading your account…</Loading>
      ) : me.isError ? (
        <ErrorAlert message={me.error.message} />
      ) : (
        <Accept token={token} email={me.data.email} />
      )}
    </article>
  );
}

function Accept({ token, email }: { token: string; email: string }) {
  const { token: session } = useSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const accept = useAction(
    () => outcome(apiClient(session).POST("/api/v1/invitations/accept/", { body: { token } })),
    async (joined) => {
      // The switcher and the tenant's pages read its name and the user's role from /auth/me/.
      await queryClient.invalidateQueries({ queryKey: ["me"] });
      navigate(paths.projects(joined.tenant), { replace: true });
    },
  );
  return (
    <>
      <p>
        You are signed in as <strong>{email}</strong>.
      </p>
      <ErrorAlert failure={accept.failure} />
      <button type="button" onClick={() => void accept.run()} disabled={accept.pending} aria-busy={accept.pending}>
        Accept the invitation
      </button>
    </>
  );
}
