import type { ReactNode } from "react";

/** A wait the user can see (Pico draws a spinner for aria-busy) and a screen reader hears. */
export function Loading({ children }: { children: ReactNode }) {
  return (
    <p aria-busy="true" role="status">
      {children}
    </p>
  );
}
