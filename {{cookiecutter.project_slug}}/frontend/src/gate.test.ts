import { describe, expect, it } from "vitest";

import { Gate } from "./gate";

/** A piece of work that finishes when the test says so. */
function deferred() {
  let finish!: (value: string) => void;
  let fail!: (reason: Error) => void;
  const promise = new Promise<string>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return { promise, finish, fail };
}

describe("Gate", () => {
  it("ignores a second run while the first is on its way", async () => {
    const gate = new Gate();
    const first = deferred();
    let calls = 0;
    const work = () => {
      calls += 1;
      return first.promise;
    };
    const one = gate.run(work);
    const two = gate.run(work);
    expect(gate.open).toBe(false);
    expect(await two).toBeUndefined();
    first.finish("made");
    expect(await one).toBe("made");
    expect(calls).toBe(1);
    expect(gate.open).toBe(true);
  });

  it("opens again after a failure, and passes the failure on", async () => {
    const gate = new Gate();
    const failing = deferred();
    const run = gate.run(() => failing.promise);
    failing.fail(new Error("boom"));
    await expect(run).rejects.toThrow("boom");
    expect(await gate.run(async () => "again")).toBe("again");
  });
});
