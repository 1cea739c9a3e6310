/**
 * What a front-end team writes first against the generated client. `npm run typecheck`
 * (tsc --strict, part of make test) compiles it; each @ts-expect-error proves that the types
 * refuse a request the server would refuse.
 */
import createClient from "openapi-fetch";

import type { components, paths } from "../src/api/schema";

/** Subdomain routing: the tenant is the host, `<slug>.<base domain>` (the schema's server). */
function tenantApi(tenant: string) {
  return createClient<paths>({ baseUrl: `https://${tenant}.example.com` });
}

/** Per-request tenant (its host); a typed error whose `detail` is a string. */
export async function projectNames(token: string, tenant: string): Promise<string[]> {
  const { data, error } = await tenantApi(tenant).GET("/api/v1/projects/", {
    headers: { Authorization: `Token ${token}` },
  });
  if (error) throw new Error(error.detail);
  return data.results.map((project) => project.name);
}

/** A typed create without an id; a 400's field errors next to its detail. */
export async function createProject(tenant: string, name: string): Promise<number | string> {
  const body: components["schemas"]["ProjectRequest"] = { name };
  const { data, error } = await tenantApi(tenant).POST("/api/v1/projects/", { body });
  if (error) {
    const detail: string = error.detail;
    const nameErrors: string[] | string | undefined = error["name"];
    return `${detail} ${String(nameErrors ?? "")}`;
  }
  return data.id;
}

export async function refusedByTheTypes(tenant: string): Promise<void> {
  const api = tenantApi(tenant);
  // @ts-expect-error subdomain routing has no X-Tenant-ID header
  await api.GET("/api/v1/projects/", { params: { header: { "X-Tenant-ID": tenant } } });
  // @ts-expect-error the id is read-only: a create's body has no id
  const withId: components["schemas"]["ProjectRequest"] = { id: 1, name: "x" };
  // @ts-expect-error a task needs its project
  const noProject: components["schemas"]["TaskRequest"] = { title: "x" };
  void [withId, noProject];
}
