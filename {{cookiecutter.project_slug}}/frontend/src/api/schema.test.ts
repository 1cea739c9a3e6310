import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const FRONTEND = join(import.meta.dirname, "..", "..");

describe("the generated types", () => {
  it("are what openapi-typescript makes of the committed openapi.yaml (else: make schema)", () => {
    const fresh = join(mkdtempSync(join(tmpdir(), "types-")), "schema.d.ts");
    execFileSync(
      process.execPath,
      [join(FRONTEND, "node_modules", "openapi-typescript", "bin", "cli.js"), join(FRONTEND, "..", "openapi.yaml"), "--output", fresh],
      { stdio: "pipe" },
    );
    const committed = readFileSync(join(FRONTEND, "src", "api", "schema.d.ts"), "utf8");
    expect(committed, "src/api/schema.d.ts is stale: run `make schema` and commit it").toBe(readFileSync(fresh, "utf8"));
    // A whole openapi-typescript run in a child process: seconds on a loaded CI machine, not vitest's default 5.
  }, 60_000);
});
