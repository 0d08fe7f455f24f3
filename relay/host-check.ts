// The Host allow-list (option allowedHosts), the defence against DNS rebinding: a page on
// evil.example whose name is made to resolve to the relay's address can reach the relay as if it
// were same-origin, but its requests still say `Host: evil.example`. A relay that answers only
// to the names it is known by leaks nothing to such a page.

/** Loopback names: a rebinding page cannot make a browser send these, so they are always let in. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** hostname[:port], hostname lowercase; IPv6 literals in brackets. null when it is not one. */
function splitHost(text: string): { name: string; port: string | null } | null {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)(?::(\d{1,5}))?$/.exec(text.toLowerCase());
  if (m === null) return null;
  return { name: m[1]!, port: m[2] ?? null };
}

export function isHostPattern(value: unknown): boolean {
  return typeof value === 'string' && splitHost(value) !== null;
}

/**
 * Whether a request's Host header is one the relay answers to. An empty allow-list allows any
 * Host. A listed entry without a port matches that name on any port.
 */
export function isHostAllowed(host: string | undefined, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return true;
  if (host === undefined) return false;
  const h = splitHost(host);
  if (h === null) return false;
  if (LOOPBACK_HOSTS.has(h.name) || h.name.endsWith('.localhost')) return true;
  return allowed.some((entry) => {
    const e = splitHost(entry);
    return e !== null && e.name === h.name && (e.port === null || e.port === h.port);
  });
}

/** The text of a refusal, for a request or an upgrade. */
export function hostRefusalText(host: string | undefined): string {
  const shown = host === undefined ? 'no Host header' : `Host ${JSON.stringify(host.slice(0, 100))}`;
  return `this relay does not answer to ${shown}: open it by one of the names it was started with (--allowed-host)\n`;
}
