import { useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";

import { apiClient } from "../api/client";
import { outcome } from "../api/errors";
import { usePageTitle } from "../app";
import { useSession } from "../auth/session";
import { ErrorAlert } from "../components/ErrorAlert";
import { Field } from "../components/Field";
import { useAction } from "../components/useAction";
import { paths } from "../paths";
import type { SignInState } from "./SignIn";

/**
 * /reset-password?token=...: the page the reset mail links to. POST
 * /api/v1/auth/password-reset/confirm/ with the token and the new password; the server ends
 * every session of the account, this tab's included, so the user signs in again with it.
 */
export function ResetPassword() {
  usePageTitle("Set a new password");
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const navigate = useNavigate();
  const { forget } = useSession();
  const [password, setPassword] = useState("");
  const submit = useAction(
    () => outcome(apiClient(null).POST("/api/v1/auth/password-reset/confirm/", { body: { token, password } })),
    () => {
      forget();
      const state: SignInState = { notice: "Your password is set: sign in with it." };
      navigate(paths.signIn, { replace: true, state });
    },
  );
  const linkRefused = submit.failure?.fields.token;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void submit.run();
  }

  return (
    <article className="narrow">
      <h1>Set a new password</h1>
      {!token ? (
        <p role="alert" className="error">
          This page opens from the link in a password reset mail. <Link to={paths.forgotPassword}>Ask for one</Link>.
        </p>
      ) : (
        <form onSubmit={onSubmit} aria-label="Choose a password">
          <Field label="New password" name="password" type="password" autoComplete="new-password" required
            value={password} onChange={(e) => setPassword(e.target.value)} failure={submit.failure} />
          {linkRefused ? (
            <p role="alert" className="error">
              {linkRefused.join(" ")} <Link to={paths.forgotPassword}>Ask for another link</Link>.
            </p>
          ) : (
            <ErrorAlert failure={submit.failure} fields={["password"]} />
          )}
          <button type="submit" disabled={submit.pending} aria-busy={submit.pending}>
            Set password
          </button>
        </form>
      )}
    </article>
  );
}
