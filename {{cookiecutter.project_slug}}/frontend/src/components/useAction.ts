import { useRef, useState } from "react";

import type { Failure, Outcome } from "../api/errors";
import { Gate } from "../gate";

/**
 * A form's or a button's action against the API: ``pending`` while it runs (to disable the
 * button), the ``failure`` to show (detail and per-field lists), one run at a time.
 */
export function useAction<A extends unknown[], T>(
  action: (...args: A) => Promise<Outcome<T>>,
  onDone?: (data: T, ...args: A) => void | Promise<unknown>,
) {
  const gate = useRef(new Gate()).current;
  const [pending, setPending] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);

  async function run(...args: A): Promise<boolean> {
    const done = await gate.run(async () => {
      setPending(true);
      try {
        const answer = await action(...args);
        if (!answer.ok) {
          setFailure(answer);
          return false;
        }
        setFailure(null);
        await onDone?.(answer.data, ...args);
        return true;
      } finally {
        setPending(false);
      }
    });
    return done ?? false;
  }

  return { run, pending, failure, clear: () => setFailure(null) };
}
