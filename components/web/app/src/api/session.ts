// The access token lives in this module's memory only (never localStorage): a reload or a
// new tab gets a fresh one from the refresh cookie, which script cannot read at all.
// From the generated contract, not from ./client, which imports this module.
import type { components } from "./schema";

type AccessToken = components["schemas"]["AccessToken"];

let token: string | null = null;
let renewTimer: ReturnType<typeof setTimeout> | undefined;
let inFlight: Promise<boolean> | null = null;
const listeners = new Set<(signedIn: boolean) => void>();

export function accessToken(): string | null {
  return token;
}

export function onSessionChange(listener: (signedIn: boolean) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Keeps a new token and renews it a little before it expires, so requests rarely meet a 401. */
export function adopt(answer: AccessToken | null): void {
  const was = token !== null;
  token = answer?.access_token ?? null;
  clearTimeout(renewTimer);
  if (answer) {
    const lead = Math.min(60, Math.max(1, answer.expires_in * 0.2));
    renewTimer = setTimeout(() => void renew(), (answer.expires_in - lead) * 1000);
  }
  if (was !== (token !== null)) listeners.forEach((l) => l(token !== null));
}

/**
 * Trades the refresh cookie for a new access token. One renewal at a time — across tabs
 * too (Web Locks), because two uses of one refresh token end the session by design.
 */
export function renew(): Promise<boolean> {
  inFlight ??= withLock(async () => {
    const reply = await fetch("/auth/refresh", { method: "POST", credentials: "same-origin" }).catch(
      () => null,
    );
    if (reply === null) return token !== null; // offline: keep what we have
    if (!reply.ok) {
      adopt(null);
      return false;
    }
    adopt((await reply.json()) as AccessToken);
    return true;
  }).finally(() => {
    inFlight = null;
  });
  return inFlight;
}

async function withLock<T>(work: () => Promise<T>): Promise<T> {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  return locks ? locks.request("fin-refresh", work) : work();
}

/** Logging out ends the refresh family and revokes the access token, on the server. */
export async function endSession(): Promise<void> {
  const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  await fetch("/auth/refresh", { method: "DELETE", credentials: "same-origin", headers }).catch(
    () => undefined,
  );
  adopt(null);
}
