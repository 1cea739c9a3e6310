/**
 * How a request names its tenant. Subdomain routing: the tenant's own host,
 * ``<slug>.<the host this page is served on>`` (the schema's ``{tenant}.{base_domain}``
 * server). The page is always on the base domain: the server sends a visit to any other
 * host (127.0.0.1, a tenant's host) there. Tenants are other origins than the page's: the
 * API answers them through CORS (CORS_ALLOWED_ORIGINS names the page's origin), with the
 * token in a header, no cookie.
 */
export const ROUTING: "header" | "subdomain" = "subdomain";

export function tenantParams(_slug: string) {
  return {};
}

export function tenantBaseUrl(slug: string, location: Pick<Location, "protocol" | "host"> = window.location): string {
  return `${location.protocol}//${slug}.${location.host}`;
}
