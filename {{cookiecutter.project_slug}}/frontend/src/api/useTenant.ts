import { useMemo } from "react";
import { useParams } from "react-router";

import { useMe, useToken } from "../auth/session";
import { tenantClient } from "./client";
import { tenantParams } from "./tenant";

/**
 * The tenant of a ``/t/:slug/...`` page: a client that names it the way this project routes,
 * the ``params`` every tenant-scoped call spreads, its name, the user's role and its state when
 * the user is a member (else null), and ``key``, the start of every query key of its data (so no
 * answer is cached across tenants).
 */
export function useTenant() {
  const { slug = "" } = useParams();
  const token = useToken();
  const api = useMemo(() => tenantClient(token, slug), [token, slug]);
  const membership = useMe().data?.memberships.find((each) => each.tenant === slug);
  return {
    slug,
    name: membership?.name ?? slug,
    role: membership?.role ?? null,
    suspended: membership?.state === "suspended",
    api,
    params: tenantParams(slug),
    key: ["tenant", slug] as const,
  };
}
