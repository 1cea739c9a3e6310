/**
 * How a request names its tenant. Header routing: the ``X-Tenant-ID`` header, which the
 * schema declares on every tenant-scoped operation, so the generated types require it.
 * The API is on this page's own origin.
 */
export const ROUTING: "header" | "subdomain" = "header";

export function tenantParams(slug: string) {
  return { header: { "X-Tenant-ID": slug } };
}

export function tenantBaseUrl(_slug: string, _location: Pick<Location, "protocol" | "host"> = window.location): string {
  return "";
}
