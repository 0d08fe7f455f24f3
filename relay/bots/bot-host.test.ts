// The bot hosts in a real relay on a loopback port, against a client that runs the project's own
// core over a real WebSocket: flow control towards a client that does not read, and what happens
// to a client's connections when it leaves the room (issue 14).
import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createHost, type Host, type SocketEvent } from '../../workers/tcp/host.ts';
import { createSeededRandom } from '../../workers/tcp/random.ts';
import type { TraceSink } from '../../workers/tcp/trace.ts';
import { Flag } from '../../workers/tcp/wire/types.ts';
import { HostDriver } from '../host-driver.ts';
import { startRelay, TestClient, waitFor, type TestRelay } from '../test-support.ts';
import { BOT_ADDRESSES, BOT_SETTINGS, BotHost } from './bot-host.ts';
import { PENDING_MAX } from './services.ts';

let relay: TestRelay | null = null;
afterEach(async () => {
  await relay?.close();
  relay = null;
});

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A relay with an echo bot the test can look into, and rate limits out of the way. */
async function relayWithEcho(): Promise<{ relay: TestRelay; echo: () => BotHost }> {
  let bot: BotHost | null = null;
  const r = await startRelay({
    bytesPerSecond: 64 << 20, byteBurst: 8 << 20, framesPerSecond: 100_000, frameBurst: 20_000,
    onRoomCreated: (room) => (bot = new BotHost(room, 'echo')),
  });
  return { relay: r, echo: () => bot! };
}

/** A student's TCP host over a real WebSocket: the core, driven on the real clock. */
async function tcpClient(r: TestRelay, name: string, trace?: TraceSink) {
  const ws = await TestClient.join(r, 'lab', name);
  const h = createHost({ address: ws.address, random: createSeededRandom(7), ...(trace ? { trace } : {}) });
  if (!h.ok) throw new Error(h.reason);
  const host: Host = h.value;
  let onEvents: (events: readonly SocketEvent[], now: number) => void = () => {};
  const driver = new HostDriver(host, (p) => ws.send(p), (events, now) => onEvents(events, now));
  ws.ws.on('message', (data, isBinary) => {
    if (!isBinary) return;
    ws.frames.length = 0; // the recorder's copy is not needed here
    const b = data as Buffer;
    driver.frame(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
  });
  return { ws, host, driver, setEvents: (f: typeof onEvents) => (onEvents = f) };
}

/** What the bot holds for the connections from `addr`: its service's queue and the core's buffers. */
function held(bot: BotHost, addr: string): number {
  let n = 0;
  for (const c of bot.host.connections()) {
    if (c.remoteAddr !== addr) continue;
    const st = bot.host.status(c.id);
    if (st.ok) n += st.value.sendQueued + st.value.recvQueued + bot.service.pendingBytes(c.id);
  }
  return n;
}

describe('echo bot through the relay (issue 14)', () => {
  it('a client that sends 2 MiB and does not read is stopped by a zero window (RFC 9293 §3.8.6); the bot holds ≤ 144 KiB; reading brings every byte back in order', async () => {
    const setup = await relayWithEcho();
    relay = setup.relay;
    let zeroWindows = 0;
    const c = await tcpClient(relay, 'Ana', (e) => {
      if (e.type === 'segment' && e.dir === 'in' && e.src === BOT_ADDRESSES.echo && e.seg.window === 0 && !(e.seg.flags & Flag.RST)) zeroWindows++;
    });
    const bot = setup.echo(); // the room, and its bot, came with the first client
    const data = new Uint8Array(2 << 20).map((_, i) => (i * 131 + 17) & 0xff);
    const got: Uint8Array[] = [];
    let gotBytes = 0;
    let off = 0;
    let reading = false;
    let eof = false;
    const conn = c.host.connect({ remoteAddr: BOT_ADDRESSES.echo, remotePort: 7 }, c.driver.now());
    if (!conn.ok) throw new Error(conn.error.message);
    const id = conn.value;
    const pump = (now: number) => {
      while (off < data.length) {
        const w = c.host.write(id, data.subarray(off), now);
        if (!w.ok || w.value === 0) break;
        off += w.value;
        if (off === data.length) c.host.shutdown(id, now);
      }
      while (reading && !eof) {
        const r = c.host.read(id, 1 << 20, now);
        if (!r.ok) break;
        if (r.value.data.length > 0) {
          got.push(r.value.data);
          gotBytes += r.value.data.length;
        }
        if (r.value.eof) eof = true;
        if (r.value.data.length === 0) break;
      }
    };
    c.setEvents((_events, now) => pump(now));
    c.driver.settle();

    // Sample what the bot holds for Ana while she sends and does not read.
    let maxHeld = 0;
    const sampler = setInterval(() => (maxHeld = Math.max(maxHeld, held(bot, c.ws.address))), 2);
    try {
      // Stalled: nothing more fitted for 250 ms (a bot's window may close for a moment while its
      // echo is in flight; a stall is one that lasts).
      let last = -1;
      let since = Date.now();
      await waitFor(() => {
        if (off !== last) [last, since] = [off, Date.now()];
        return Date.now() - since > 250 && c.host.writable(id) === 0;
      }, 'the sender to stall', 10_000);
      expect(zeroWindows).toBeGreaterThan(0);
      const stalledAt = off;
      await new Promise((r) => setTimeout(r, 300));
      expect(off).toBe(stalledAt);
      expect(stalledAt).toBeLessThan(data.length);
      const bound = BOT_SETTINGS.sendBufferSize + BOT_SETTINGS.receiveBufferSize + PENDING_MAX;
      expect(maxHeld).toBeLessThanOrEqual(bound);
      expect(held(bot, c.ws.address)).toBeGreaterThan(BOT_SETTINGS.receiveBufferSize); // both its buffers are in use

      reading = true;
      pump(c.driver.now());
      c.driver.settle();
      await waitFor(() => eof, 'the whole echo', 30_000);
      expect(maxHeld).toBeLessThanOrEqual(bound);
    } finally {
      clearInterval(sampler);
    }
    expect(gotBytes).toBe(data.length);
    expect(sha(Buffer.concat(got))).toBe(sha(data));
    c.driver.stop();
    await c.ws.close();
  }, 60_000);

  it('a client that leaves the room loses its connections to the bot at once, stalled or not (RFC 9293 §3.10.5 ABORT)', async () => {
    const setup = await relayWithEcho();
    relay = setup.relay;
    const stay = await tcpClient(relay, 'Stay');
    const bot = setup.echo();
    const c = await tcpClient(relay, 'Leaver');
    const ids: number[] = [];
    for (let i = 0; i < 2; i++) {
      const r = c.host.connect({ remoteAddr: BOT_ADDRESSES.echo, remotePort: 7 }, c.driver.now());
      if (!r.ok) throw new Error(r.error.message);
      ids.push(r.value);
    }
    // One stalled (a lot sent, nothing read), one idle.
    c.setEvents((_e, now) => c.host.write(ids[0]!, new Uint8Array(64 * 1024), now));
    c.driver.settle();
    const stayConn = stay.host.connect({ remoteAddr: BOT_ADDRESSES.echo, remotePort: 7 }, stay.driver.now());
    stay.driver.settle();
    const mine = () => bot.host.connections().filter((x) => x.remoteAddr === c.ws.address);
    await waitFor(() => mine().length === 2 && mine().every((x) => x.state === 'ESTABLISHED'), 'two connections on the bot');
    await waitFor(() => held(bot, c.ws.address) > BOT_SETTINGS.receiveBufferSize, 'the stalled connection to fill the bot\'s buffers');
    const leftAt = Date.now();
    c.driver.stop();
    await c.ws.close();
    await waitFor(() => mine().length === 0, 'the leaver\'s connections to be gone', 1_000);
    const took = Date.now() - leftAt;
    expect(took).toBeLessThan(1_000);
    // Aborted without an RST: nobody holds the address any more, and its next owner must not get
    // resets for connections it never had.
    expect(relay.stats().traffic.dropped.unreachable ?? 0).toBe(0);
    // Someone else's connection is untouched.
    expect(stayConn.ok).toBe(true);
    expect(bot.host.connections().filter((x) => x.remoteAddr === stay.ws.address).map((x) => x.state)).toEqual(['ESTABLISHED']);
    stay.driver.stop();
    await stay.ws.close();
  }, 30_000);
});
