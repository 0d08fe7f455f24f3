// The admin token that unlocks per-room detail in /stats (room names are the rooms' join secrets,
// display names and addresses are the students'). Made at start unless given; the operator reads
// it from the start line.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** What a token may look like: RFC 6750 §2.1 b64token characters, long enough not to be guessed. */
export const ADMIN_TOKEN_PATTERN = /^[A-Za-z0-9\-._~+/=]{16,256}$/;

/** 24 random bytes: 32 base64url characters. */
export function newAdminToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * The token a request brings: `Authorization: Bearer TOKEN` (RFC 6750 §2.1) or `?token=TOKEN`
 * (§2.3, for a browser address bar). null when it brings none; credentials of another scheme
 * (e.g. Basic, for a proxy in front) are not a token and are ignored.
 */
export function requestToken(req: IncomingMessage, query: URLSearchParams): string | null {
  const auth = req.headers.authorization;
  if (auth !== undefined && /^Bearer(\s|$)/i.test(auth)) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return m === null ? '' : m[1]!;
  }
  return query.get('token');
}

/** Constant-time comparison: both sides are hashed first, so neither the contents nor the
 *  length of the real token leak through the time a wrong guess takes. */
export function tokenMatches(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
