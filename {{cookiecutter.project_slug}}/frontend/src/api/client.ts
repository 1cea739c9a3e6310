/** The typed API client: openapi-fetch over the types generated from the committed openapi.yaml. */
import createClient, { type Client } from "openapi-fetch";

import type { components, paths } from "./schema";
import { tenantBaseUrl } from "./tenant";

export type Api = Client<paths>;
export type Me = components["schemas"]["Me"];
export type Membership = components["schemas"]["Membership"];
export type Member = components["schemas"]["Member"];
export type Invitation = components["schemas"]["Invitation"];
export type Project = components["schemas"]["Project"];
export type Task = components["schemas"]["Task"];
export type ApiError = components["schemas"]["Error"];

/** A client on ``baseUrl`` ("" is this page's origin) that signs each request with ``token``. */
export function apiClient(token: string | null, baseUrl = "", fetchImpl?: typeof fetch): Api {
  const client = createClient<paths>({ baseUrl, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
  if (token) {
    client.use({
      onRequest({ request }) {
        request.headers.set("Authorization", `Token ${token}`);
        return request;
      },
    });
  }
  return client;
}

/** A client for tenant ``slug``: its host or this page's origin, as tenant.ts says. */
export function tenantClient(token: string, slug: string): Api {
  return apiClient(token, tenantBaseUrl(slug));
}
