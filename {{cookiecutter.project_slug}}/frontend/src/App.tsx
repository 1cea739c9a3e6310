import { useCallback, useEffect, useState } from "react";

import { apiClient, type Me, type Project } from "./api/client";
import { outcome } from "./api/errors";
import { endSession } from "./api/session";
import { Projects } from "./pages/Projects";
import { SignIn } from "./pages/SignIn";
import { Tasks } from "./pages/Tasks";
import { TenantPicker } from "./pages/TenantPicker";

const TOKEN_KEY = "api-token";

/** Sign in, pick a tenant, then its projects and a project's tasks. No router: one state. */
export function App() {
  const [token, setToken] = useState<string | null>(() => sessionStorage.getItem(TOKEN_KEY));
  const [me, setMe] = useState<Me | null>(null);
  const [tenant, setTenant] = useState<string | null>(null);
  const [project, setProject] = useState<Project | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  const forget = useCallback(() => {
    sessionStorage.removeItem(TOKEN_KEY);
    setToken(null);
    setMe(null);
    setTenant(null);
    setProject(null);
  }, []);

  // The server ends the token first: forgotten here only, it would stay valid until it expires.
  const signOut = useCallback(async () => {
    if (token) setMessage(await endSession(apiClient(token)));
    forget();
  }, [token, forget]);

  useEffect(() => {
    if (!token) return;
    let current = true;
    outcome(apiClient(token).GET("/api/v1/auth/me/")).then((answer) => {
      if (!current) return;
      if (answer.ok) {
        setMe(answer.data);
      } else {
        setMessage(answer.message);
        forget();
      }
    });
    return () => {
      current = false;
    };
  }, [token, forget]);

  if (!token) {
    return (
      <main>
        <h1>Sign in</h1>
        {message && <p role="alert">{message}</p>}
        <SignIn
          onSignedIn={(key) => {
            sessionStorage.setItem(TOKEN_KEY, key);
            setMessage(null);
            setToken(key);
          }}
        />
      </main>
    );
  }
  if (!me) return <main className="muted">Loading…</main>;
  return (
    <main>
      <header>
        <h1>{tenant ? `Tenant ${tenant}` : "Pick a tenant"}</h1>
        <span>
          <span className="muted">{me.email}</span>{" "}
          {tenant && (
            <button
              type="button"
              onClick={() => {
                setTenant(null);
                setProject(null);
              }}
            >
              Switch tenant
            </button>
          )}{" "}
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </span>
      </header>
      {!tenant && <TenantPicker me={me} onPick={setTenant} />}
      {tenant && !project && <Projects key={tenant} token={token} tenant={tenant} onOpen={setProject} />}
      {tenant && project && (
        <Tasks key={`${tenant}/${project.id}`} token={token} tenant={tenant} project={project} onBack={() => setProject(null)} />
      )}
    </main>
  );
}
