import { useState, type FormEvent } from "react";
import { Link, useLocation, useNavigate, useSearchParams } from "react-router";

import { apiClient } from "../api/client";
import { outcome } from "../api/errors";
import { usePageTitle } from "../app";
import { useSession } from "../auth/session";
import { ErrorAlert } from "../components/ErrorAlert";
import { Field } from "../components/Field";
import { useAction } from "../components/useAction";
import { paths, safeNext, signUpFor } from "../paths";

/** What another page tells the sign-in page: ``message`` went wrong, ``notice`` went well. */
export type SignInState = { message?: string | null; notice?: string | null } | null;

/** /sign-in: POST /api/v1/auth/token/ with an email and password, then back to where the user was going. */
export function SignIn() {
  usePageTitle("Sign in");
  const { signIn } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const { message, notice } = (useLocation().state as SignInState) ?? {};
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const submit = useAction(
    () => outcome(apiClient(null).POST("/api/v1/auth/token/", { body: { email, password } })),
    ({ token }) => {
      signIn(token);
      navigate(safeNext(params.get("next")), { replace: true });
    },
  );

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void submit.run();
  }

  return (
    <article className="narrow">
      <h1>Sign in</h1>
      {message && <ErrorAlert message={message} />}
      {notice && <p role="status">{notice}</p>}
      <form onSubmit={onSubmit} aria-label="Sign in">
        <Field label="Email" name="email" type="email" autoComplete="username" required
          value={email} onChange={(e) => setEmail(e.target.value)} failure={submit.failure} />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required
          value={password} onChange={(e) => setPassword(e.target.value)} failure={submit.failure} />
        <ErrorAlert failure={submit.failure} fields={["email", "password"]} />
        <button type="submit" disabled={submit.pending} aria-busy={submit.pending}>
          Sign in
        </button>
      </form>
      <p>
        <Link to={paths.forgotPassword}>Forgot your password?</Link>
        <br />
        No account yet? <Link to={signUpFor(safeNext(params.get("next")))}>Create one</Link>
      </p>
    </article>
  );
}
