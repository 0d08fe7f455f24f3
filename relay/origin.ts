// Which web pages may open the relay's WebSocket. Browsers send the page's Origin with the
// upgrade request and do not apply the same-origin policy to WebSockets, so without this check
// any site a student visits could join rooms in their name. Programs that send no Origin (the
// terminal peer, tests, curl) are not browsers acting for someone else, and are let in.

const LOCAL_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * `origin`: the Origin header. `host`: the Host header the request was sent to. `allowed`:
 * extra origins ('*' for any). The page the relay itself served (same origin) and pages on
 * localhost (e.g. `vite` dev server on another port) are always allowed.
 */
export function isOriginAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  if (allowed.includes('*')) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // includes the literal "null" origin of sandboxed frames and file:// pages
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (host !== undefined && url.host === host.toLowerCase()) return true;
  if (LOCAL_HOSTNAMES.has(url.hostname) || url.hostname.endsWith('.localhost')) return true;
  return allowed.some((a) => a.replace(/\/$/, '') === url.origin);
}
