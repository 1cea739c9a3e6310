import { describe, expect, it } from "vitest";

import { pageTitle, paths, routeId, safeNext, signInFor, signUpFor } from "./paths";

describe("paths", () => {
  it("builds the tenant's URLs from its slug and the project's id", () => {
    expect(paths.projects("acme")).toBe("/t/acme/projects");
    expect(paths.project("acme", 12)).toBe("/t/acme/projects/12");
  });
  it("escapes a slug typed into a URL rather than nesting its slashes", () => {
    expect(paths.projects("a/b")).toBe("/t/a%2Fb/projects");
  });
  it("builds the pages of a tenant's people and trail", () => {
    expect(paths.members("acme")).toBe("/t/acme/members");
    expect(paths.invitations("acme")).toBe("/t/acme/invitations");
    expect(paths.audit("acme")).toBe("/t/acme/audit");
  });
});

describe("signing in comes back to where the visitor was", () => {
  it("carries the place in ?next=", () => {
    expect(signInFor("/t/acme/projects/3")).toBe("/sign-in?next=%2Ft%2Facme%2Fprojects%2F3");
    expect(signInFor("/")).toBe("/sign-in");
  });
  it("keeps the place across signing up too (an invitation's link, token and all)", () => {
    expect(signUpFor("/invitations/accept?token=a.b")).toBe("/sign-up?next=%2Finvitations%2Faccept%3Ftoken%3Da.b");
    expect(signUpFor("/")).toBe("/sign-up");
  });
  it("follows only a path of this app", () => {
    expect(safeNext("/t/acme/projects?x=1")).toBe("/t/acme/projects?x=1");
    for (const elsewhere of [null, "", "https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]) {
      expect(safeNext(elsewhere)).toBe("/");
    }
  });
});

describe("routeId", () => {
  it("reads a positive integer and nothing else", () => {
    expect(routeId("42")).toBe(42);
    for (const bad of [undefined, "", "0", "-1", "1.5", "12abc", "007", "1".repeat(30)]) expect(routeId(bad)).toBeNull();
  });
});

describe("pageTitle", () => {
  it("names the page, then the app", () => {
    expect(pageTitle("Acme Cloud", "Projects", "acme")).toBe("Projects · acme · Acme Cloud");
    expect(pageTitle("Acme Cloud")).toBe("Acme Cloud");
  });
});
