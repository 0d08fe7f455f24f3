// Does a relay answer at this address? GET /healthz with a short timeout. For another origin the
// answer is opaque (no-cors), but a network failure still rejects, which is all we need to know
// whether to suggest offline mode.
export type RelayProbe = (url: string) => Promise<boolean>;

const TIMEOUT_MS = 2_500;

export const probeRelay: RelayProbe = async (url) => {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  if (target.protocol === 'ws:') target.protocol = 'http:';
  else if (target.protocol === 'wss:') target.protocol = 'https:';
  target = new URL('/healthz', target);
  const sameOrigin = typeof location !== 'undefined' && target.origin === location.origin;
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), TIMEOUT_MS);
  try {
    const res = await fetch(target, { signal: ctl.signal, cache: 'no-store', mode: sameOrigin ? 'same-origin' : 'no-cors' });
    // Same origin: only a real relay says {"status":"ok"} (a static server or Vite would 404).
    if (!sameOrigin) return true;
    if (!res.ok) return false;
    const body = (await res.json()) as { status?: unknown };
    return body.status === 'ok';
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
};
