import { useEffect } from "react";
import { Navigate, Outlet, useLocation, useNavigate } from "react-router";

import { ApiFailure } from "../api/errors";
import { Loading } from "../components/Loading";
import { ErrorAlert } from "../components/ErrorAlert";
import { signInFor } from "../paths";
import { useMe, useSession } from "./session";

/** The pages that need a user: without a token (or with one the server no longer takes), sign in first. */
export function RequireSignIn() {
  const { token, forget } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const me = useMe();
  const here = location.pathname + location.search;
  const ended = me.error instanceof ApiFailure && me.error.status === 401;

  useEffect(() => {
    if (!ended) return;
    navigate(signInFor(here), { replace: true, state: { message: "Your session has ended: sign in again." } });
    forget();
  }, [ended, here, navigate, forget]);

  if (!token) return <Navigate to={signInFor(here)} replace />;
  if (me.isPending || ended) return <Loading>Loading your account…</Loading>;
  if (me.isError) return <ErrorAlert message={me.error.message} />;
  return <Outlet />;
}
