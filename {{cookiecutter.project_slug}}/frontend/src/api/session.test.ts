import { describe, expect, it } from "vitest";

import { apiClient } from "./client";
import { endSession } from "./session";

/** A client whose fetch records each request and answers ``status`` (or fails, like a server down). */
function clientAnswering(status: number | "unreachable") {
  const sent: Request[] = [];
  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit) => {
    sent.push(input instanceof Request ? input : new Request(input, init));
    if (status === "unreachable") throw new TypeError("Failed to fetch");
    const body = status === 204 ? null : JSON.stringify({ detail: "Service unavailable." });
    return new Response(body, { status, headers: { "Content-Type": "application/json" } });
  };
  return { sent, api: apiClient("abc123", "http://localhost:8000", fetchImpl as typeof fetch) };
}

describe("signing out ends the token on the server", () => {
  it("posts the token to /api/v1/auth/logout/", async () => {
    const { sent, api } = clientAnswering(204);
    expect(await endSession(api)).toBeNull();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.method).toBe("POST");
    expect(new URL(sent[0]!.url).pathname).toBe("/api/v1/auth/logout/");
    expect(sent[0]?.headers.get("Authorization")).toBe("Token abc123");
  });

  it("says nothing of a token that had ended already (401)", async () => {
    expect(await endSession(clientAnswering(401).api)).toBeNull();
  });

  it("says so when the server did not end it", async () => {
    expect(await endSession(clientAnswering(503).api)).toBe(
      "Signed out here, but the server did not end the session: Service unavailable.",
    );
    expect(await endSession(clientAnswering("unreachable").api)).toMatch(/did not end the session: The API could not be reached/);
  });
});
