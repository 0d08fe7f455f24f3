// The socket views on a real EndpointService (offline mode): while the trace streams, the text
// that arrived changes on the card once a second at most, the count and CRC every time.
import { describe, expect, it } from 'vitest';
import { generatedFile } from './generated-file.ts';
import { TAIL_CHARS } from './received.ts';
import { connected, realPlayground, wait } from './playground-test-support.ts';
import type { Playground } from './playground.ts';

/** Poll until `ok()` (a real worker answers on its own time), 5 s at most. */
async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !ok(); i++) await wait(50);
  expect(ok()).toBe(true);
}

const views = (pg: Playground, host: number) => [...pg.socketViews.views.values()].filter((v) => v.host === host);

/** The last TAIL_CHARS characters of the generated file of n bytes (it is ASCII). */
const generatedTail = (n: number) => new TextDecoder().decode(generatedFile(n)).slice(-TAIL_CHARS);

describe('SocketViews', () => {
  it('sends text through one end and shows it, counted and hashed, at the other', async () => {
    const { pg, service } = realPlayground();
    const conn = await connected(pg);
    expect(await pg.socketViews.action({ action: 'send-text', host: 0, conn, text: 'hello' })).toBeUndefined();
    await until(() => views(pg, 1)[0]?.received.bytes === 5);
    const [sent] = views(pg, 0);
    const [got] = views(pg, 1);
    expect(got!.received.tail).toBe('hello');
    expect(sent!.sent).toMatchObject({ queued: 5, written: 5 });
    expect(got!.received.crc).toBe(sent!.sent.crc);
    expect(pg.hostControls.hosts[1]!.listening).toEqual([80]);
    service.dispose();
  });

  it('queues connections while auto-accept is off, takes them on accept, and says when none waits', async () => {
    const { pg, service } = realPlayground();
    await pg.start();
    await pg.session.startOffline(2);
    pg.socketViews.prefs.autoAccept = false;
    pg.socketViews.prefs.autoRead = false;
    await pg.socketViews.action({ action: 'listen', host: 1, port: 80 });
    expect(pg.notices.all.at(-1)!.text).toBe('Listening on port 80.');
    const conn = await pg.socketViews.action({ action: 'connect', host: 0, remoteAddr: '10.0.0.2', remotePort: 80 });
    expect(conn).toBeDefined();
    await until(() => (pg.hostControls.hosts[1]!.waiting[80] ?? []).length === 1);
    expect(views(pg, 1)).toEqual([]);
    expect(await pg.socketViews.accept(1, 80)).toHaveLength(1);
    expect(pg.hostControls.hosts[1]!.waiting[80]).toEqual([]);
    expect(views(pg, 1)).toHaveLength(1);
    expect(views(pg, 1)[0]!.autoRead).toBe(false);
    await pg.socketViews.accept(1, 80);
    expect(pg.notices.all.at(-1)!.text).toBe('No connection is waiting on port 80.');
    // Nothing arrived yet: reading says so.
    await pg.socketViews.readNow(1, views(pg, 1)[0]!.conn);
    expect(pg.notices.all.at(-1)!.text).toBe('Nothing to read: the receive buffer is empty.');
    service.dispose();
  });

  it('refuses a send on a host that does not exist, in words', async () => {
    const { pg, service } = realPlayground();
    await pg.start();
    expect(await pg.socketViews.sendText(3, 1, 'x')).toBe(false);
    expect(pg.notices.all.at(-1)!.text).toBe('Send: no host 3');
    service.dispose();
  });

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
