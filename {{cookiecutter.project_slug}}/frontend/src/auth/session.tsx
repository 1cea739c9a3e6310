/** Who is signed in: the token (kept for this tab in sessionStorage) and the /auth/me/ answer. */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";

import { apiClient } from "../api/client";
import { unwrap } from "../api/errors";
import { endSession } from "../api/session";

const TOKEN_KEY = "api-token";

type Session = {
  token: string | null;
  signIn: (token: string) => void;
  /** Ends the token on the server, then forgets it here; a message when the server could not end it. */
  signOut: () => Promise<string | null>;
  forget: () => void;
};

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [token, setToken] = useState<string | null>(() => sessionStorage.getItem(TOKEN_KEY));

  // Every cached answer belongs to the user who asked: none survives a change of user.
  const forget = useCallback(() => {
    sessionStorage.removeItem(TOKEN_KEY);
    queryClient.clear();
    setToken(null);
  }, [queryClient]);

  const signIn = useCallback(
    (key: string) => {
      sessionStorage.setItem(TOKEN_KEY, key);
      queryClient.clear();
      setToken(key);
    },
    [queryClient],
  );

  const signOut = useCallback(async () => {
    const message = token ? await endSession(apiClient(token)) : null;
    forget();
    return message;
  }, [token, forget]);

  const session = useMemo(() => ({ token, signIn, signOut, forget }), [token, signIn, signOut, forget]);
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession() outside <SessionProvider>");
  return session;
}

/** The signed-in user's token; only for pages under <RequireSignIn>, which never render without one. */
export function useToken(): string {
  const { token } = useSession();
  if (!token) throw new Error("useToken() on a page that does not require signing in");
  return token;
}

/** GET /api/v1/auth/me/: the user and their tenants (memberships), shared by every page. */
export function useMe() {
  const { token } = useSession();
  return useQuery({
    queryKey: ["me", token],
    queryFn: () => unwrap(apiClient(token).GET("/api/v1/auth/me/")),
    enabled: token !== null,
  });
}
