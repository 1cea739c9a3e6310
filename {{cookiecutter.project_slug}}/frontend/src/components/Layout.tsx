import { useState } from "react";
import { Link, Outlet, useNavigate } from "react-router";

import { APP_NAME } from "../app";
import { useMe, useSession } from "../auth/session";
import { paths } from "../paths";
import { TenantSwitcher } from "./TenantSwitcher";

/** Every page: the app's name (home), the tenant switcher, who is signed in and "Sign out"; then the page. */
export function Layout() {
  const { token, signOut } = useSession();
  const me = useMe();
  const navigate = useNavigate();
  const [leaving, setLeaving] = useState(false);

  async function leave() {
    setLeaving(true);
    const message = await signOut();
    setLeaving(false);
    navigate(paths.signIn, { replace: true, state: { message } });
  }

  return (
    <>
      <header className="container">
        <nav aria-label="Main">
          <ul>
            <li>
              <Link to={paths.home} className="brand">
                <img src={`${import.meta.env.BASE_URL}favicon.svg`} alt="" width="24" height="24" />
                <strong>{APP_NAME}</strong>
              </Link>
            </li>
          </ul>
          {token && me.data && (
            <ul>
              <li>
                <TenantSwitcher memberships={me.data.memberships} />
              </li>
              <li className="muted">{me.data.email}</li>
              <li>
                <button type="button" className="secondary" onClick={leave} disabled={leaving} aria-busy={leaving}>
                  Sign out
                </button>
              </li>
            </ul>
          )}
        </nav>
      </header>
      <main className="container">
        <Outlet />
      </main>
    </>
  );
}
