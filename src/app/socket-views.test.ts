// The socket views on a real EndpointService (offline mode): while the trace streams, the text
// that arrived changes on the card once a second at most, the count and CRC every time.
import { describe, expect, it } from 'vitest';
import { generatedFile } from './generated-file.ts';
import { TAIL_CHARS } from './received.ts';
import { connected, realPlayground, wait } from './playground-test-support.ts';

/** The last TAIL_CHARS characters of the generated file of n bytes (it is ASCII). */
const generatedTail = (n: number) => new TextDecoder().decode(generatedFile(n)).slice(-TAIL_CHARS);

describe('SocketViews', () => {
  it('while busy, changes the received text on the card once a second at most, and shows the end of it at the end', async () => {
    const { pg, service } = realPlayground();
    const conn = await connected(pg);
    const seen: { bytes: number; tail: string; at: number }[] = [];
    pg.feed.subscribe(() => {
      for (const v of pg.socketViews.views.values()) if (v.host === 1) seen.push({ bytes: v.received.bytes, tail: v.received.tail, at: performance.now() });
    });
    const n = 3 * 1024 * 1024;
    await pg.socketViews.sendFile(0, conn, n);
    await pg.socketViews.shutdown(0, conn); // after what writeAll still holds
    for (let i = 0; i < 100 && !(seen.at(-1)?.bytes === n && [...pg.socketViews.views.values()].some((v) => v.host === 1 && v.received.eof)); i++) await wait(100);
    const card = [...pg.socketViews.views.values()].find((v) => v.host === 1)!;
    expect(card.received).toMatchObject({ bytes: n, eof: true });
    expect(card.received.tail).toBe(generatedTail(n)); // the very end, once the stream ended
    const tailChanges = seen.filter((s, i) => i > 0 && s.tail !== seen[i - 1]!.tail);
    const countChanges = seen.filter((s, i) => i > 0 && s.bytes !== seen[i - 1]!.bytes);
    expect(countChanges.length).toBeGreaterThan(tailChanges.length);
    // Between two changes of the text a second passed, but for the last (the end of the stream).
    for (let i = 1; i < tailChanges.length - 1; i++) expect(tailChanges[i]!.at - tailChanges[i - 1]!.at).toBeGreaterThanOrEqual(950);
    service.dispose();
  });
});
