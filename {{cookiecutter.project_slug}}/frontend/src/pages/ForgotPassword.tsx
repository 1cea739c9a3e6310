import { useState, type FormEvent } from "react";
import { Link } from "react-router";

import { apiClient } from "../api/client";
import { outcome } from "../api/errors";
import { usePageTitle } from "../app";
import { ErrorAlert } from "../components/ErrorAlert";
import { Field } from "../components/Field";
import { useAction } from "../components/useAction";
import { paths } from "../paths";

/**
 * /forgot-password: POST /api/v1/auth/password-reset/ mails a link to /reset-password. The
 * server answers alike whether or not an account uses the email, and so does this page.
 */
export function ForgotPassword() {
  usePageTitle("Forgot your password?");
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState<string | null>(null);
  const submit = useAction(
    () => outcome(apiClient(null).POST("/api/v1/auth/password-reset/", { body: { email } })),
    ({ detail }) => setSent(detail),
  );

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void submit.run();
  }

  return (
    <article className="narrow">
      <h1>Forgot your password?</h1>
      {sent ? (
        <p role="status">{sent}</p>
      ) : (
        <form onSubmit={onSubmit} aria-label="Reset your password">
          <p>We will mail you a link to set a new one.</p>
          <Field label="Email" name="email" type="email" autoComplete="email" required
            value={email} onChange={(e) => setEmail(e.target.value)} failure={submit.failure} />
          <ErrorAlert failure={submit.failure} fields={["email"]} />
          <button type="submit" disabled={submit.pending} aria-busy={submit.pending}>
            Mail me a link
          </button>
        </form>
      )}
      <p>
        <Link to={paths.signIn}>Back to sign in</Link>
      </p>
    </article>
  );
}
