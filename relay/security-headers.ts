// Headers every HTTP answer of the relay carries, whatever the route.
import type { ServerResponse } from 'node:http';

/**
 * The UI's Content-Security-Policy. Scripts and workers only from the relay's own files (no
 * inline script, no eval), so an injected string cannot run. Styles also allow inline: Lit
 * components and index.html carry their styles in the page. connect-src is open to any http(s)
 * and ws(s) address because the page may join a relay on another address and load an exercise
 * pack by URL (join screen, exercises drawer). `data:` images for the favicon; `blob:` for
 * downloads (pcap, trace). frame-ancestors 'none': the UI cannot be framed (clickjacking).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self' http: https: ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  // For browsers that predate frame-ancestors.
  'X-Frame-Options': 'DENY',
});

/** Set the headers on a response before any writeHead (which merges them with its own). */
export function applySecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}

/** The same headers as raw lines, for answers written straight to a socket. */
export const SECURITY_HEADER_LINES = Object.entries(SECURITY_HEADERS)
  .map(([name, value]) => `${name}: ${value}\r\n`)
  .join('');
