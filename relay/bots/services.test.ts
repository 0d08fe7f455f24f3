// The bot services on the real core, over the simulated network in virtual time.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createHost, type Host } from '../../workers/tcp/host.ts';
import type { StackSettings } from '../../workers/tcp/settings.ts';
import type { TraceSink } from '../../workers/tcp/trace.ts';
import { createSeededRandom } from '../../workers/tcp/random.ts';
import { createSimNetwork } from '../../workers/tcp/sim/network.ts';
import { Flag } from '../../workers/tcp/wire/types.ts';
import { BOT_SETTINGS } from './bot-host.ts';
import { chargenBlock, createService, PENDING_MAX, REQUEST_MAX, SERVICE_PORTS, type Service, type ServiceName } from './services.ts';

interface SetupOptions {
  /** The bot's stack settings; the core's defaults when absent. */
  botSettings?: Partial<StackSettings>;
  /** Sees every trace event of the client's host. */
  clientTrace?: TraceSink;
}

function setup(name: ServiceName, options: SetupOptions & { hostName?: string } = {}) {
  const net = createSimNetwork({ seed: 3 });
  const mk = (addr: string, seed: number, settings?: Partial<StackSettings>, trace?: TraceSink): Host => {
    const r = createHost({ address: addr, random: createSeededRandom(seed), ...(settings ? { settings } : {}), ...(trace ? { trace } : {}) });
    if (!r.ok) throw new Error(r.reason);
    return r.value;
  };
  const client = mk('10.0.1.1', 1, undefined, options.clientTrace);
  const bot = mk('10.0.0.7', 2, options.botSettings);
  net.addHost(client, { latency: 2 });
  net.addHost(bot, { latency: 2 });
  const service = createService(name, bot, { wallClock: () => new Date(Date.UTC(2026, 10, 21, 12, 0, 0)), hostName: () => options.hostName ?? 'echo-bot' });
  const c = client.connect({ remoteAddr: '10.0.0.7', remotePort: SERVICE_PORTS[name] }, 0);
  if (!c.ok) throw new Error(c.error.message);
  const conn = c.value;
  const got: Uint8Array[] = [];
  let eof = false;
  const read = () => {
    for (;;) {
      const r = client.read(conn, 1 << 20, net.now);
      if (!r.ok) return;
      if (r.value.data.length) got.push(r.value.data);
      if (r.value.eof) eof = true;
      if (!r.value.data.length) return;
    }
  };
  const received = () => Buffer.concat(got);
  /** CLOSE in SYN-SENT would delete the TCB (RFC 9293 §3.10.4): run the handshake first. */
  const established = () => step(() => {
    const st = client.status(conn);
    return st.ok && st.value.state !== 'SYN-SENT';
  });
  let reading = true;
  const step = (until: () => boolean, maxTime = 120_000) => {
    while (!until() && net.now < maxTime) {
      service.handle(bot.takeEvents(), net.now);
      client.takeEvents();
      if (reading) read();
      if (!net.step()) break;
    }
    service.handle(bot.takeEvents(), net.now);
    if (reading) read();
  };
  return {
    net, client, bot, service, conn, step, received, established, isEof: () => eof,
    /** Stop or resume reading the bot's replies. */
    setReading: (on: boolean) => void (reading = on),
  };
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('bot services on the core', () => {
  it('echo (RFC 862) returns 1 MiB intact', () => {
    const { client, conn, step, received, net } = setup('echo');
    const data = new Uint8Array(1 << 20).map((_, i) => (i * 31 + 7) & 0xff);
    let off = 0;
    step(() => {
      if (off < data.length) {
        const w = client.write(conn, data.subarray(off), net.now);
        if (w.ok) off += w.value;
        if (off === data.length) client.shutdown(conn, net.now);
      }
      return received().length >= data.length;
    });
    expect(received().length).toBe(data.length);
    expect(sha(received())).toBe(sha(data));
  });

  it('echo closes after the client does, and both reach CLOSED', () => {
    const { client, conn, step, isEof, net, established } = setup('echo');
    established();
    client.write(conn, new TextEncoder().encode('hi'), net.now);
    client.shutdown(conn, net.now);
    step(() => isEof());
    expect(isEof()).toBe(true);
    step(() => false, net.now + 30_000);
    const st = client.status(conn);
    expect(st.ok && st.value.state).toBe('CLOSED');
  });

  it('discard (RFC 863) takes everything and sends nothing back', () => {
    const { client, conn, step, received, isEof, established, net } = setup('discard');
    established();
    let off = 0;
    step(() => {
      if (off < 100_000) {
        const w = client.write(conn, new Uint8Array(100_000 - off), net.now);
        if (w.ok) off += w.value;
        if (off === 100_000) client.shutdown(conn, net.now);
      }
      return isEof();
    });
    expect(received().length).toBe(0);
    expect(isEof()).toBe(true);
  });

  it('daytime (RFC 867) sends one line and closes', () => {
    const { step, received, isEof } = setup('daytime');
    step(() => isEof());
    expect(new TextDecoder().decode(received())).toBe('Sat, 21 Nov 2026 12:00:00 GMT\r\n');
  });

  it('chargen (RFC 864) streams the rotating 72-character lines until the client closes', () => {
    const { client, conn, step, received } = setup('chargen');
    step(() => received().length > 50_000);
    const got = received();
    const block = chargenBlock();
    for (let i = 0; i < 5000; i++) expect(got[i]).toBe(block[i % block.length]);
    expect(new TextDecoder().decode(got.subarray(0, 74))).toBe(`${' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefg'}\r\n`);
    expect(client.close(conn, 1).ok).toBe(true);
  });

  it('http answers GET / with a page and closes, 404 elsewhere', () => {
    const a = setup('http');
    a.client.write(a.conn, new TextEncoder().encode('GET / HTTP/1.0\r\nHost: x\r\n\r\n'), 0);
    a.step(() => a.isEof());
    const text = new TextDecoder().decode(a.received());
    expect(text).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
    expect(text).toMatch(/Content-Length: \d+\r\n/);
    expect(text).toContain('<h1>Hello from echo-bot</h1>');
    const b = setup('http');
    b.client.write(b.conn, new TextEncoder().encode('GET /nope HTTP/1.0\r\n\r\n'), 0);
    b.step(() => b.isEof());
    expect(new TextDecoder().decode(b.received())).toMatch(/^HTTP\/1\.0 404 Not Found/);
  });
});

/** What the bot holds for its connections now: the service's queue and the core's buffers. */
function heldByBot(bot: Host, service: Service): { bytes: number; pending: number } {
  let bytes = 0;
  let pending = 0;
  for (const c of bot.connections()) {
    const st = bot.status(c.id);
    if (!st.ok) continue;
    pending = Math.max(pending, service.pendingBytes(c.id));
    bytes += st.value.sendQueued + st.value.recvQueued + service.pendingBytes(c.id);
  }
  return { bytes, pending };
}

describe('bots push back with TCP flow control, not memory (issue 14)', () => {
  // The most a bot may hold for one connection: its two fixed buffers and the service's queue.
  const BOUND = BOT_SETTINGS.sendBufferSize + BOT_SETTINGS.receiveBufferSize + PENDING_MAX;

  it('echo stops reading while its echo is unsent: the window closes (RFC 9293 §3.8.6), the bot holds ≤ 144 KiB, and every byte comes back once the client reads', () => {
    let zeroWindows = 0;
    const trace: TraceSink = (e) => {
      if (e.type === 'segment' && e.dir === 'in' && e.src === '10.0.0.7' && e.seg.window === 0 && !(e.seg.flags & Flag.RST)) zeroWindows++;
    };
    const t = setup('echo', { botSettings: BOT_SETTINGS, clientTrace: trace });
    t.setReading(false);
    t.established();
    const data = new Uint8Array(2 << 20).map((_, i) => (i * 131 + 17) & 0xff);
    let off = 0;
    let maxHeld = 0;
    let maxPending = 0;
    const pump = () => {
      if (off < data.length) {
        const w = t.client.write(t.conn, data.subarray(off), t.net.now);
        if (w.ok) off += w.value;
        if (off === data.length) t.client.shutdown(t.conn, t.net.now);
      }
      const h = heldByBot(t.bot, t.service);
      maxHeld = Math.max(maxHeld, h.bytes);
      maxPending = Math.max(maxPending, h.pending);
    };
    // Ten seconds of virtual time without reading: the transfer stalls and stays stalled.
    const stallEnd = t.net.now + 10_000;
    t.step(() => (pump(), false), stallEnd);
    const stalledAt = off;
    expect(stalledAt).toBeLessThan(data.length);
    expect(zeroWindows).toBeGreaterThan(0);
    const botConn = t.bot.connections()[0]!;
    const st = t.bot.status(botConn.id);
    // The bot left the client's bytes in its receive buffer and advertises no window at all (the
    // receiver's SWS avoidance offers no window below one MSS, RFC 9293 §3.8.6.2.2).
    expect(st.ok && st.value.recvQueued).toBeGreaterThan(BOT_SETTINGS.receiveBufferSize - BOT_SETTINGS.mss);
    expect(st.ok && st.value.rcvWnd).toBe(0);
    expect(maxPending).toBe(0);
    expect(maxHeld).toBeLessThanOrEqual(BOUND);

    t.setReading(true);
    t.step(() => (pump(), t.isEof()), t.net.now + 120_000);
    expect(off).toBe(data.length);
    expect(t.received().length).toBe(data.length);
    expect(sha(t.received())).toBe(sha(data));
    expect(maxHeld).toBeLessThanOrEqual(BOUND);
  });

  it('http reads at most an 8 KiB request head and nothing after answering', () => {
    const run = (request: Uint8Array) => {
      const t = setup('http', { botSettings: BOT_SETTINGS });
      let readByBot = 0;
      const read = t.bot.read.bind(t.bot);
      t.bot.read = (id, max, now) => {
        const r = read(id, max, now);
        if (r.ok) readByBot += r.value.data.length;
        return r;
      };
      t.established();
      const w = t.client.write(t.conn, request, t.net.now);
      expect(w.ok && w.value).toBe(request.length);
      t.step(() => t.isEof(), t.net.now + 30_000);
      return { text: new TextDecoder().decode(t.received()), readByBot };
    };
    const head = new TextEncoder().encode(`GET / HTTP/1.0\r\nX-Pad: ${'a'.repeat(40_000)}\r\n`);
    const tooBig = run(head);
    expect(tooBig.text).toMatch(/^HTTP\/1\.0 431 Request Header Fields Too Large/);
    expect(tooBig.readByBot).toBeLessThanOrEqual(REQUEST_MAX + 1);

    const get = new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n');
    const withTrailer = new Uint8Array(get.length + 40_000).fill(0x78);
    withTrailer.set(get);
    const answered = run(withTrailer);
    expect(answered.text).toMatch(/^HTTP\/1\.0 200 OK/);
    expect(answered.readByBot).toBeLessThanOrEqual(REQUEST_MAX + 1);
  });

  it('a service never queues more than PENDING_MAX beyond its send buffer: an answer that would is reset instead (RFC 9293 §3.10.5)', () => {
    // Only a broken service could: real hostnames are at most 40 characters. This one's page is
    // twice 50 000 characters, more than the 64 KiB send buffer and 16 KiB of queue together.
    const t = setup('http', { botSettings: BOT_SETTINGS, hostName: 'x'.repeat(50_000) });
    let maxPending = 0;
    t.established();
    t.client.write(t.conn, new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n'), t.net.now);
    t.step(() => {
      for (const c of t.bot.connections()) maxPending = Math.max(maxPending, t.service.pendingBytes(c.id));
      const st = t.client.status(t.conn);
      return st.ok && st.value.state === 'CLOSED';
    }, t.net.now + 30_000);
    const st = t.client.status(t.conn);
    expect(st.ok && st.value.error?.code).toBe('ECONNRESET');
    expect(maxPending).toBeLessThanOrEqual(PENDING_MAX);
    expect(t.bot.connections()).toEqual([]);
  });

  it('a departed peer aborted by the host (abortPeer, no RST) frees what the service kept for it (RFC 9293 §3.10.5)', () => {
    const t = setup('echo', { botSettings: BOT_SETTINGS });
    t.setReading(false);
    t.established();
    t.client.write(t.conn, new Uint8Array(300_000), t.net.now);
    t.step(() => false, t.net.now + 2_000);
    const [mine] = t.bot.connections();
    expect(mine).toBeDefined();
    const other = t.bot.abortPeer('10.0.0.99', t.net.now, { reset: false });
    expect(other.ok && other.value).toBe(0);
    const r = t.bot.abortPeer('10.0.1.1', t.net.now, { reset: false });
    expect(r.ok && r.value).toBe(1);
    expect(t.bot.connections().map((c) => [c.state, c.error?.code])).toEqual([['CLOSED', 'ECONNABORTED']]);
    expect(t.bot.takeOutput()).toEqual([]); // nobody is there to be told
    t.service.handle(t.bot.takeEvents(), t.net.now); // the service closes the failed socket
    expect(t.bot.connections()).toEqual([]);
    expect(t.service.pendingBytes(mine!.id)).toBe(0);
    expect(t.bot.readable(mine!.id)).toBe(0);
  });
});
