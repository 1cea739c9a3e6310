import { describe, expect, it } from "vitest";

import { apiClient } from "./client";
import { ROUTING, tenantBaseUrl, tenantParams } from "./tenant";

const PAGE = { protocol: "http:", host: "localhost:8000" };

/** A fetch that records the request and answers an empty page of projects. */
function recordingFetch() {
  const sent: Request[] = [];
  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit) => {
    sent.push(input instanceof Request ? input : new Request(input, init));
    return new Response(JSON.stringify({ count: 0, results: [] }), { headers: { "Content-Type": "application/json" } });
  };
  return { sent, fetchImpl: fetchImpl as typeof fetch };
}

describe("the typed client names the tenant the way this project routes", () => {
  it("signs every request with the token", async () => {
    const { sent, fetchImpl } = recordingFetch();
    const api = apiClient("abc123", tenantBaseUrl("acme", PAGE) || "http://localhost:8000", fetchImpl);
    await api.GET("/api/v1/projects/", { params: { ...tenantParams("acme") } });
    expect(sent[0]?.headers.get("Authorization")).toBe("Token abc123");
  });

  it("sends the tenant with each request, and only that tenant", async () => {
    const { sent, fetchImpl } = recordingFetch();
    const api = apiClient("abc123", tenantBaseUrl("globex", PAGE) || "http://localhost:8000", fetchImpl);
    await api.GET("/api/v1/projects/", { params: { ...tenantParams("globex") } });
    const request = sent[0]!;
    if (ROUTING === "header") {
      expect(request.headers.get("X-Tenant-ID")).toBe("globex");
      expect(new URL(request.url).host).toBe("localhost:8000");
    } else {
      expect(request.headers.get("X-Tenant-ID")).toBeNull();
      expect(new URL(request.url).host).toBe("globex.localhost:8000");
    }
  });

  it("does not sign a request without a token", async () => {
    const { sent, fetchImpl } = recordingFetch();
    await apiClient(null, "http://localhost:8000", fetchImpl).POST("/api/v1/auth/token/", {
      body: { email: "a@example.com", password: "pw" },
    });
    expect(sent[0]?.headers.get("Authorization")).toBeNull();
  });
});
