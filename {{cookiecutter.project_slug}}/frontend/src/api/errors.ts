/** One way to read every answer: the data, or a message for a person (the server's ``detail``). */
import type { ApiError } from "./client";

export type Outcome<T> = { ok: true; data: T } | { ok: false; status: number | null; message: string };

export function errorMessage(error: ApiError | undefined, response: Response | undefined): string {
  if (error?.detail) return error.detail;
  if (response) return `The server answered ${response.status} ${response.statusText}`.trim();
  return "The API could not be reached.";
}

/** Awaits an openapi-fetch call; a network failure (the API unreachable, CORS refused) is an outcome too. */
export async function outcome<T>(
  call: Promise<{ data?: T; error?: ApiError; response: Response }>,
): Promise<Outcome<T>> {
  try {
    const { data, error, response } = await call;
    if (response.ok) return { ok: true, data: data as T };
    return { ok: false, status: response.status, message: errorMessage(error, response) };
  } catch (exc) {
    const reason = exc instanceof Error ? exc.message : String(exc);
    return { ok: false, status: null, message: `The API could not be reached (${reason}).` };
  }
}
