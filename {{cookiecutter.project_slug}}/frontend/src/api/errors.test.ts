import { describe, expect, it } from "vitest";

import { ApiFailure, errorMessage, fieldErrors, outcome, unwrap } from "./errors";

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

describe("fieldErrors", () => {
  it("keeps each field's messages and leaves the detail out", () => {
    const body = { detail: "name: This field is required.", name: ["This field is required."], non_field_errors: "No." };
    expect(fieldErrors(body)).toEqual({ name: ["This field is required."], non_field_errors: ["No."] });
  });
  it("is empty for an error without fields, or no body", () => {
    expect(fieldErrors({ detail: "Not found." })).toEqual({});
    expect(fieldErrors(undefined)).toEqual({});
  });
});

describe("outcome", () => {
  it("gives the data of a 2xx", async () => {
    const result = await outcome(Promise.resolve({ data: { id: 1 }, response: answer(200) }));
    expect(result).toEqual({ ok: true, data: { id: 1 } });
  });
  it("gives the status, detail and fields of an error", async () => {
    const result = await outcome(Promise.resolve({ error: { detail: "Unknown tenant." }, response: answer(404) }));
    expect(result).toEqual({ ok: false, status: 404, message: "Unknown tenant.", fields: {} });
    const invalid = await outcome(
      Promise.resolve({ error: { detail: "title: Too long.", title: ["Too long."] }, response: answer(400) }),
    );
    expect(invalid).toEqual({ ok: false, status: 400, message: "title: Too long.", fields: { title: ["Too long."] } });
  });
  it("turns a network failure (CORS refused, server down) into a message", async () => {
    const result = await outcome(Promise.reject(new TypeError("Failed to fetch")));
    expect(result).toEqual({ ok: false, status: null, message: "The API could not be reached (Failed to fetch).", fields: {} });
  });
});

describe("unwrap", () => {
  it("gives the data of a 2xx and throws the server's message otherwise", async () => {
    expect(await unwrap(Promise.resolve({ data: [1], response: answer(200) }))).toEqual([1]);
    const refused = unwrap(Promise.resolve({ error: { detail: "You are not a member of this tenant." }, response: answer(403) }));
    await expect(refused).rejects.toBeInstanceOf(ApiFailure);
    await expect(refused).rejects.toMatchObject({ status: 403, message: "You are not a member of this tenant." });
  });
});
