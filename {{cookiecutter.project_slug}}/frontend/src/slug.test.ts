import { describe, expect, it } from "vitest";

import { slugFrom } from "./slug";

describe("slugFrom", () => {
  it("proposes lowercase words joined by single hyphens", () => {
    expect(slugFrom("Initech Labs")).toBe("initech-labs");
    expect(slugFrom("  Café  & Co. ")).toBe("cafe-co");
  });
  it("starts with a letter and stays within 40 characters, with no hyphen at the end", () => {
    expect(slugFrom("3D Prints")).toBe("d-prints");
    expect(slugFrom("a".repeat(39) + " b")).toBe("a".repeat(39));
    expect(slugFrom("!!!")).toBe("");
  });
});
