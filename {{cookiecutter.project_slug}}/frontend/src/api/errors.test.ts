import { describe, expect, it } from "vitest";

import { errorMessage, outcome } from "./errors";

const answer = (status: number, statusText = "") => new Response(null, { status, statusText });

describe("errorMessage", () => {
  it("shows the server's detail", () => {
    expect(errorMessage({ detail: "You are not a member of this tenant." }, answer(403))).toBe(
      "You are not a member of this tenant.",
    );
  });
  it("falls back to the status when a body has no detail", () => {
    expect(errorMessage(undefined, answer(502, "Bad Gateway"))).toBe("The server answered 502 Bad Gateway");
  });
});

describe("outcome", () => {
  it("gives the data of a 2xx", async () => {
    const result = await outcome(Promise.resolve({ data: { id: 1 }, response: answer(200) }));
    expect(result).toEqual({ ok: true, data: { id: 1 } });
  });
  it("gives the status and detail of an error", async () => {
    const result = await outcome(Promise.resolve({ error: { detail: "Unknown tenant." }, response: answer(404) }));
    expect(result).toEqual({ ok: false, status: 404, message: "Unknown tenant." });
  });
  it("turns a network failure (CORS refused, server down) into a message", async () => {
    const result = await outcome(Promise.reject(new TypeError("Failed to fetch")));
    expect(result).toEqual({ ok: false, status: null, message: "The API could not be reached (Failed to fetch)." });
  });
});
