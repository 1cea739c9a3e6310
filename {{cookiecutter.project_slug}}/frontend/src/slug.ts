/**
 * A tenant's slug as the API takes it: lowercase letters, digits and single hyphens, starting
 * with a letter, 2-40 characters. The new-tenant form proposes one from the name typed.
 */
export function slugFrom(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^[^a-z]+/, "")
    .slice(0, 40)
    .replace(/-+$/, "");
}
