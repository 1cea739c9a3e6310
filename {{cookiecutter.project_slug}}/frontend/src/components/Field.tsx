import { useId, type InputHTMLAttributes } from "react";

import type { Failure } from "../api/errors";

type Props = InputHTMLAttributes<HTMLInputElement> & { label: string; name: string; failure?: Failure | null };

/** A labelled input and, under it, the server's messages for its field (a 400's per-field list). */
export function Field({ label, name, failure, ...input }: Props) {
  const id = useId();
  const messages = failure?.fields[name] ?? [];
  const invalid = messages.length > 0;
  return (
    <label htmlFor={id}>
      {label}
      <input
        id={id}
        name={name}
        aria-invalid={invalid ? true : undefined}
        aria-describedby={invalid ? `${id}-errors` : undefined}
        {...input}
      />
      {invalid && <small id={`${id}-errors`}>{messages.join(" ")}</small>}
    </label>
  );
}
