import { describe, expect, it } from "vitest";

import { atLeast, canChangeRoles, canManage, canRemove, invitableRoles } from "./roles";

describe("roles", () => {
  it("orders member < admin < owner, an unknown role below all", () => {
    expect(atLeast("owner", "admin")).toBe(true);
    expect(atLeast("admin", "admin")).toBe(true);
    expect(atLeast("member", "admin")).toBe(false);
    for (const unknown of [undefined, null, "", "superuser"]) expect(atLeast(unknown, "member")).toBe(false);
  });
  it("lets admins and owners manage, owners alone change roles", () => {
    expect([canManage("member"), canManage("admin"), canManage("owner")]).toEqual([false, true, true]);
    expect([canChangeRoles("member"), canChangeRoles("admin"), canChangeRoles("owner")]).toEqual([false, false, true]);
  });
  it("lets an admin remove members and admins, not owners", () => {
    expect(canRemove("admin", "member")).toBe(true);
    expect(canRemove("admin", "admin")).toBe(true);
    expect(canRemove("admin", "owner")).toBe(false);
    expect(canRemove("owner", "owner")).toBe(true);
    expect(canRemove("member", "member")).toBe(false);
  });
  it("lets an owner invite an owner, an admin members and admins only", () => {
    expect(invitableRoles("owner")).toEqual(["member", "admin", "owner"]);
    expect(invitableRoles("admin")).toEqual(["member", "admin"]);
  });
});
