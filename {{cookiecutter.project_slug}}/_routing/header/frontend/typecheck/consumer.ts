/**
 * What a front-end team writes first against the generated client. `npm run typecheck`
 * (tsc --strict, part of make test) compiles it; each @ts-expect-error proves that the types
 * refuse a request the server would refuse.
 */
import createClient from "openapi-fetch";

import type { components, paths } from "../src/api/schema";

const api = createClient<paths>({ baseUrl: "https://app.example.com" });

/** Per-request tenant header; a typed error whose `detail` is a string. */
export async function projectNames(token: string, tenant: string): Promise<string[]> {
  const { data, error } = await api.GET("/api/v1/projects/", {
    params: { header: { "X-Tenant-ID": tenant } },
    headers: { Authorization: `Token ${token}` },
  });
  if (error) throw new Error(error.detail);
  return data.results.map((project) => project.name);
}

/** A typed create without an id; a 400's field errors next to its detail. */
export async function createProject(tenant: string, name: string): Promise<number | string> {
  const body: components["schemas"]["ProjectRequest"] = { name };
  const { data, error } = await api.POST("/api/v1/projects/", { params: { header: { "X-Tenant-ID": tenant } }, body });
  if (error) {
    const detail: string = error.detail;
    const nameErrors: string[] | string | undefined = error["name"];
    return `${detail} ${String(nameErrors ?? "")}`;
  }
  return data.id;
}

type ProjectListHeaders = paths["/api/v1/projects/"]["get"]["parameters"]["header"];

export function refusedByTheTypes(): void {
  // @ts-expect-error the tenant header is required: a tenant-scoped operation cannot go without it
  const noTenant: ProjectListHeaders = {};
  void noTenant;
  // @ts-expect-error the id is read-only: a create's body has no id
  const withId: components["schemas"]["ProjectRequest"] = { id: 1, name: "x" };
  // @ts-expect-error a task needs its project
  const noProject: components["schemas"]["TaskRequest"] = { title: "x" };
  void [withId, noProject];
}
