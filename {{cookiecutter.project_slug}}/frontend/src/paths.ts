/**
 * The app's URLs, in one place: pages link with these, and routes.tsx matches the same shapes.
 * The server answers index.html for any of them (a reload or a deep link keeps the place).
 */
export const paths = {
  home: "/",
  signIn: "/sign-in",
  signUp: "/sign-up",
  forgotPassword: "/forgot-password",
  resetPassword: "/reset-password",
  acceptInvitation: "/invitations/accept",
  newTenant: "/tenants/new",
  projects: (slug: string) => `/t/${encodeURIComponent(slug)}/projects`,
  project: (slug: string, id: number) => `/t/${encodeURIComponent(slug)}/projects/${id}`,
  members: (slug: string) => `/t/${encodeURIComponent(slug)}/members`,
  invitations: (slug: string) => `/t/${encodeURIComponent(slug)}/invitations`,
  audit: (slug: string) => `/t/${encodeURIComponent(slug)}/audit`,
};

/** The sign-in page, coming back to ``next`` (where the visitor was) once signed in. */
export function signInFor(next: string): string {
  return withNext(paths.signIn, next);
}

/** The sign-up page, coming back to ``next`` once the account is made (an invitation's page, say). */
export function signUpFor(next: string): string {
  return withNext(paths.signUp, next);
}

/** ``page`` carrying ``next`` in its query string; home needs no ``next``. */
export function withNext(page: string, next: string | null): string {
  return !next || next === paths.home ? page : `${page}?${new URLSearchParams({ next })}`;
}

/**
 * Where to go after signing in: ``next`` when it is a path of this app, else home. A link such as
 * ``/sign-in?next=https://evil.example`` (or ``//evil.example``) must not send a user elsewhere.
 */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return paths.home;
  return next;
}

/** A route's numeric id (``/projects/:id``), or null when the URL holds something else. */
export function routeId(value: string | undefined): number | null {
  if (!value || !/^[1-9]\d{0,17}$/.test(value)) return null;
  return Number(value);
}

/** The document title of a page: its own words, then the app's name. */
export function pageTitle(appName: string, ...parts: string[]): string {
  return [...parts.filter(Boolean), appName].join(" · ");
}
