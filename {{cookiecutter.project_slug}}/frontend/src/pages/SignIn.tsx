import { useState, type FormEvent } from "react";

import { apiClient } from "../api/client";
import { outcome } from "../api/errors";

/** POST /api/v1/auth/token/ with an email and password; hands the token up. */
export function SignIn({ onSignedIn }: { onSignedIn: (token: string) => void }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const answer = await outcome(apiClient(null).POST("/api/v1/auth/token/", { body: { email, password } }));
    if (answer.ok) onSignedIn(answer.data.token);
    else setError(answer.message);
  }

  return (
    <form onSubmit={submit} aria-label="Sign in">
      <input type="email" aria-label="Email" placeholder="Email" value={email} onChange={(e) => setEmail(e.target.value)} required />
      <input
        type="password"
        aria-label="Password"
        placeholder="Password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        required
      />
      <button type="submit">Sign in</button>
      {error && <p role="alert">{error}</p>}
    </form>
  );
}
