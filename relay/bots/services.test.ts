// The bot services on the real core, over the simulated network in virtual time.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createHost, type Host } from '../../workers/tcp/host.ts';
import { createSeededRandom } from '../../workers/tcp/random.ts';
import { createSimNetwork } from '../../workers/tcp/sim/network.ts';
import { chargenBlock, createService, SERVICE_PORTS, type ServiceName } from './services.ts';

function setup(name: ServiceName) {
  const net = createSimNetwork({ seed: 3 });
  const mk = (addr: string, seed: number): Host => {
    const r = createHost({ address: addr, random: createSeededRandom(seed) });
    if (!r.ok) throw new Error(r.reason);
    return r.value;
  };
  const client = mk('10.0.1.1', 1);
  const bot = mk('10.0.0.7', 2);
  net.addHost(client, { latency: 2 });
  net.addHost(bot, { latency: 2 });
  const service = createService(name, bot, { wallClock: () => new Date(Date.UTC(2026, 10, 21, 12, 0, 0)), hostName: () => 'echo-bot' });
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
  const step = (until: () => boolean, maxTime = 120_000) => {
    while (!until() && net.now < maxTime) {
      service.handle(bot.takeEvents(), net.now);
      client.takeEvents();
      read();
      if (!net.step()) break;
    }
    service.handle(bot.takeEvents(), net.now);
    read();
  };
  const received = () => Buffer.concat(got);
  /** CLOSE in SYN-SENT would delete the TCB (RFC 9293 §3.10.4): run the handshake first. */
  const established = () => step(() => {
    const st = client.status(conn);
    return st.ok && st.value.state !== 'SYN-SENT';
  });
  return { net, client, conn, step, received, established, isEof: () => eof };
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
