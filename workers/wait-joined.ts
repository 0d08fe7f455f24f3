// For the browser harness pages (e2e and benches): wait until the endpoint has joined its room.
import type { LinkState } from './api.ts';

export async function waitJoined(linkState: () => Promise<LinkState>, timeoutMs = 10_000): Promise<LinkState> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    const s = await linkState();
    if (s.status === 'joined') return s;
    if (performance.now() > until) throw new Error(`not joined: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
