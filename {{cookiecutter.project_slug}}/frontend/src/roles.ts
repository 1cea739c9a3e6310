/**
 * What a role may do in a tenant, as the API decides it (member < admin < owner): the app
 * hides what the user's role cannot do. The API still refuses it; this only spares a click.
 */
export type Role = "owner" | "admin" | "member";

export const ROLES: readonly Role[] = ["member", "admin", "owner"];

/** ``role`` is at least ``needed`` (an unknown role is below every one). */
export function atLeast(role: string | null | undefined, needed: Role): boolean {
  return ROLES.indexOf(role as Role) >= ROLES.indexOf(needed);
}

/** Invitations, removing members and the audit trail: admins and owners. */
export function canManage(role: string | null | undefined): boolean {
  return atLeast(role, "admin");
}

/** Changing a member's role: owners only. */
export function canChangeRoles(role: string | null | undefined): boolean {
  return atLeast(role, "owner");
}

/** Removing a member whose role is ``theirs``: an admin removes members and admins, an owner anyone. */
export function canRemove(role: string | null | undefined, theirs: string): boolean {
  return canManage(role) && (theirs !== "owner" || canChangeRoles(role));
}

/** The roles ``role`` may invite with: an owner any, an admin members and admins. */
export function invitableRoles(role: string | null | undefined): readonly Role[] {
  return canChangeRoles(role) ? ROLES : ROLES.filter((each) => each !== "owner");
}
