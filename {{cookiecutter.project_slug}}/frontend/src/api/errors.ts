/** One way to read every answer: the data, or a message for a person (the server's ``detail``). */
import type { ApiError } from "./client";

/** Each invalid field of a 400 and its messages (``non_field_errors`` included); empty otherwise. */
export type FieldErrors = Record<string, string[]>;

export type Failure = { ok: false; status: number | null; message: string; fields: FieldErrors };
export type Outcome<T> = { ok: true; data: T } | Failure;

export function errorMessage(error: ApiError | undefined, response: Response | undefined): string {
  if (error?.detail) return error.detail;
  if (response) return `The server answered ${response.status} ${response.statusText}`.trim();
  return "The API could not be reached.";
}

/** The per-field lists of an error body: every key but ``detail`` (a lone string is one message). */
export function fieldErrors(error: ApiError | undefined): FieldErrors {
  const fields: FieldErrors = {};
  for (const [name, messages] of Object.entries(error ?? {})) {
    if (name === "detail") continue;
    if (typeof messages === "string") fields[name] = [messages];
    else if (Array.isArray(messages)) fields[name] = messages.filter((each) => typeof each === "string");
  }
  return fields;
}

/** Awaits an openapi-fetch call; a network failure (the API unreachable, CORS refused) is an outcome too. */
export async function outcome<T>(
  call: Promise<{ data?: T; error?: ApiError; response: Response }>,
): Promise<Outcome<T>> {
  try {
    const { data, error, response } = await call;
    if (response.ok) return { ok: true, data: data as T };
    return { ok: false, status: response.status, message: errorMessage(error, response), fields: fieldErrors(error) };
  } catch (exc) {
    const reason = exc instanceof Error ? exc.message : String(exc);
    return { ok: false, status: null, message: `The API could not be reached (${reason}).`, fields: {} };
  }
}

/** A failed answer as an exception, for the queries (TanStack Query's ``error``). */
export class ApiFailure extends Error {
  readonly status: number | null;
  readonly fields: FieldErrors;

  constructor(failure: Failure) {
    super(failure.message);
    this.name = "ApiFailure";
    this.status = failure.status;
    this.fields = failure.fields;
  }
}

/** The data of a 2xx, else throws an ``ApiFailure`` carrying the server's message. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: ApiError; response: Response }>): Promise<T> {
  const answer = await outcome(call);
  if (answer.ok) return answer.data;
  throw new ApiFailure(answer);
}
