// Slow and idle HTTP connections cannot hold the relay: a per-source cap on open connections and
// timeouts on headers, requests, keep-alive and silence. A WebSocket, once upgraded, is not an
// HTTP request any more and none of these timeouts cut it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { httpRequest, RawSocket } from './http-test-client.ts';
import { roundTrip, sleep, startRelay, TestClient, waitFor, type TestRelay } from './test-support.ts';

let relay: TestRelay | null = null;
let sockets: RawSocket[] = [];
let dir = '';
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets = [];
  await relay?.close();
  relay = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

/** Small timeouts so the test runs in seconds; the defaults are 10 s, 30 s, 5 s and 30 s. */
const FAST = { headersTimeoutMs: 1000, requestTimeoutMs: 2000, keepAliveTimeoutMs: 300, idleTimeoutMs: 1500 };

describe('slowloris', () => {
  it('300 sockets from one source sending a header byte a second: the cap holds and the header timeout closes the rest', async () => {
    const cap = 50;
    const r = await startRelay({ ...FAST, maxConnectionsPerSource: cap });
    relay = r;
    sockets = Array.from({ length: 300 }, () => new RawSocket(r.port));
    await Promise.all(sockets.map((s) => s.connected));
    for (const s of sockets) s.write('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    // One more header byte a second on every socket still open, for at most 4 seconds.
    const drip = setInterval(() => {
      for (const s of sockets) if (!s.isClosed) s.write('a');
    }, 1000);
    try {
      await waitFor(() => r.stats().http.refusedPerSource >= 300 - cap, 'the sockets over the cap to be refused', 2000);
      expect(r.stats().http.connections).toBeLessThanOrEqual(cap);
      expect(r.stats().http.refusedPerSource).toBe(300 - cap);
      // Over the cap: destroyed at once, without an answer.
      await waitFor(() => sockets.filter((s) => s.isClosed).length >= 300 - cap, 'the refused sockets to close', 2000);
      // The ones let in: 408 from the header timeout (1 s, checked every 250 ms), despite the drip.
      await waitFor(() => sockets.every((s) => s.isClosed), 'every slow socket to be closed', 4000);
    } finally {
      clearInterval(drip);
    }
    const answered = sockets.filter((s) => s.status !== null);
    expect(answered.length).toBe(cap);
    expect(answered.every((s) => s.status === 408)).toBe(true);
    expect(Math.max(...answered.map((s) => s.closedAt! - s.openedAt))).toBeLessThan(FAST.headersTimeoutMs + 1500);
    expect(r.stats().http.timeouts).toBe(cap);
    await waitFor(() => r.stats().http.connections === 0, 'the connection count to drop back', 2000);
    // The cap is per open connection: once they are gone, the same source is served again.
    expect((await httpRequest(r.port, '/healthz')).status).toBe(200);
  });

  it('closes a socket that never sends anything, and an idle keep-alive connection', async () => {
    const r = await startRelay(FAST);
    relay = r;
    const silent = new RawSocket(r.port);
    const kept = new RawSocket(r.port);
    sockets = [silent, kept];
    await Promise.all(sockets.map((s) => s.connected));
    kept.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor(() => kept.status === 200, 'the keep-alive answer', 2000);
    await Promise.race([Promise.all(sockets.map((s) => s.closed)), sleep(4000)]);
    expect(silent.isClosed).toBe(true);
    expect(silent.status).toBe(408);
    expect(silent.closedAt! - silent.openedAt).toBeLessThan(FAST.headersTimeoutMs + 1000);
    // Node adds a second to the keep-alive socket timeout to be sure the client saw the header.
    expect(kept.isClosed).toBe(true);
    expect(kept.closedAt! - kept.openedAt).toBeLessThan(FAST.keepAliveTimeoutMs + 2000);
  });

  it('closes a socket that stops reading a response after the idle timeout', async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-idle-'));
    writeFileSync(join(dir, 'big.bin'), Buffer.alloc(32 * 1024 * 1024, 7)); // far more than socket buffers hold
    const r = await startRelay({ ...FAST, staticDir: dir });
    relay = r;
    const reader = new RawSocket(r.port);
    sockets = [reader];
    await reader.connected;
    reader.write('GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor(() => reader.status === 200, 'the response to start', 2000);
    reader.socket.pause(); // a reader that stops: the relay's writes stall
    const pausedAt = Date.now();
    expect(r.stats().http.connections).toBe(1);
    // The relay's side is what matters (a paused client does not even read the close): Node
    // suppresses the first expiry while the write queue still moved, so up to two periods.
    await waitFor(() => r.stats().http.connections === 0, 'the relay to drop the stalled socket', 2 * FAST.idleTimeoutMs + 1500);
    expect(Date.now() - pausedAt).toBeGreaterThanOrEqual(FAST.idleTimeoutMs - 200);
  });

  it('leaves a WebSocket open far longer than every HTTP timeout', async () => {
    const r = await startRelay({ ...FAST, heartbeatMs: 0 });
    relay = r;
    const c = await TestClient.join(r, 'lab', 'Ana');
    // Silent for longer than the header, request, keep-alive and idle timeouts together.
    await sleep(FAST.requestTimeoutMs + FAST.idleTimeoutMs + 500);
    expect(c.closeInfo).toBeNull();
    await roundTrip(c);
    expect(r.stats().clients).toBe(1);
    await c.close();
  });
});
