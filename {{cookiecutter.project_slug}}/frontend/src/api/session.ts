/** Signing out: the server ends the token, since a token only forgotten here stays valid. */
import type { Api } from "./client";
import { outcome } from "./errors";

/** POST /api/v1/auth/logout/ with the token; a message when the token may still be valid, else null. */
export async function endSession(api: Api): Promise<string | null> {
  const answer = await outcome(api.POST("/api/v1/auth/logout/"));
  // 401: the token had ended already (expired, or signed out elsewhere).
  if (answer.ok || answer.status === 401) return null;
  return `Signed out here, but the server did not end the session: ${answer.message}`;
}
