import { useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";

import { apiClient } from "../api/client";
import { outcome } from "../api/errors";
import { usePageTitle } from "../app";
import { useSession } from "../auth/session";
import { ErrorAlert } from "../components/ErrorAlert";
import { Field } from "../components/Field";
import { useAction } from "../components/useAction";
import { safeNext, signInFor } from "../paths";

/** /sign-up: POST /api/v1/auth/signup/ makes the account and signs it in; then on to ``next`` (an invitation, say). */
export function SignUp() {
  usePageTitle("Create an account");
  const { signIn } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const submit = useAction(
    () => outcome(apiClient(null).POST("/api/v1/auth/signup/", { body: { email, password } })),
    ({ token }) => {
      signIn(token);
      navigate(next, { replace: true });
    },
  );

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void submit.run();
  }

  return (
    <article className="narrow">
      <h1>Create an account</h1>
      <form onSubmit={onSubmit} aria-label="Create an account">
        <Field label="Email" name="email" type="email" autoComplete="email" required
          value={email} onChange={(e) => setEmail(e.target.value)} failure={submit.failure} />
        <Field label="Password" name="password" type="password" autoComplete="new-password" required
          value={password} onChange={(e) => setPassword(e.target.value)} failure={submit.failure} />
        <ErrorAlert failure={submit.failure} fields={["email", "password"]} />
        <button type="submit" disabled={submit.pending} aria-busy={submit.pending}>
          Create account
        </button>
      </form>
      <p>
        Already have an account? <Link to={signInFor(next)}>Sign in</Link>
      </p>
    </article>
  );
}
