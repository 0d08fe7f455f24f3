// The limits that keep one tab (or forty) from hurting the others.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, type ClientOptions } from 'ws';
import type { Relay } from './relay.ts';
import { encodePacket } from '../workers/tcp/wire/packet.ts';
import { Flag } from '../workers/tcp/wire/types.ts';
import { addr, refusedWith, roundTrip, sleep, startRelay, tcpFrame, TestClient, waitFor, wsUrl } from './test-support.ts';

let relay: Relay;
const clients: TestClient[] = [];
async function join(room: string, name: string, options?: ClientOptions): Promise<TestClient> {
  const c = await TestClient.join(relay, room, name, options);
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clients) (c.ws as unknown as { _socket?: { resume(): void } })._socket?.resume();
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await relay?.close();
});

describe('names', () => {
  it('refuses bad room names with 4001 and bad display names with 4002', async () => {
    relay = await startRelay();
    for (const query of ['name=Ana', 'room=&name=Ana', `room=${'a'.repeat(33)}&name=Ana`, 'room=a%20b&name=Ana', 'room=caf%C3%A9&name=Ana']) {
      const c = await refusedWith(relay, query);
      expect(c.code, query).toBe(4001);
      expect(c.reason).toMatch(/room/);
    }
    for (const query of ['room=r', 'room=r&name=', 'room=r&name=%20%20', `room=r&name=${'x'.repeat(41)}`, 'room=r&name=A%07B', 'room=r&name=A%E2%80%AEB']) {
      const c = await refusedWith(relay, query);
      expect(c.code, query).toBe(4002);
      expect(c.reason).toMatch(/name/);
    }
    const s = relay.stats();
    expect(s.refused['bad-room']).toBe(5);
    expect(s.refused['bad-name']).toBe(6);
    expect(s.clients).toBe(0);
    // The longest valid ones are fine, and non-Latin names get a generic hostname.
    const ok = await join('a'.repeat(32), '李'.repeat(40));
    expect(ok.welcome.hostname).toBe('host');
    expect(ok.welcome.name).toBe('李'.repeat(40));
  });
});

describe('capacity', () => {
  it('refuses a client beyond maxClientsPerRoom with 4003 and beyond maxClients with 4004', async () => {
    relay = await startRelay({ maxClientsPerRoom: 2, maxClients: 3 });
    await join('r', 'A');
    await join('r', 'B');
    const full = await refusedWith(relay, 'room=r&name=C');
    expect(full.code).toBe(4003);
    expect(full.reason).toMatch(/room full/);
    await join('other', 'D');
    const relayFull = await refusedWith(relay, 'room=third&name=E');
    expect(relayFull.code).toBe(4004);
    expect(relayFull.reason).toMatch(/relay full/);
    expect(relay.stats().refused).toMatchObject({ 'room-full': 1, 'relay-full': 1 });
    // A place freed is a place taken.
    await clients[0]!.close();
    await waitFor(() => relay.stats().clients === 2, 'the leave');
    await join('r', 'F');
  });
});

describe('rate limit', () => {
  it('drops frames above the token bucket and counts them', async () => {
    relay = await startRelay({ framesPerSecond: 20, frameBurst: 10, rateLimitCloseAfterSeconds: 0 });
    const a = await join('r', 'A');
    const b = await join('r', 'B');
    for (let i = 0; i < 100; i++) a.send(tcpFrame(a.address, b.address, 10, i));
    await a.flush();
    await waitFor(() => relay.stats().traffic.framesIn >= 100, 'the relay to read all frames');
    const s = relay.stats();
    const passed = s.traffic.framesForwarded;
    expect(passed).toBeGreaterThanOrEqual(10); // the burst
    expect(passed).toBeLessThan(20); // plus what dripped in during the send
    expect(s.traffic.dropped['rate-limited']).toBe(100 - passed);
    await waitFor(() => b.frames.length === passed, 'the passed frames');
    // B's own budget is untouched.
    b.send(tcpFrame(b.address, a.address));
    await a.waitFrames(1);
  });

  it('limits bytes per second as well as frames', async () => {
    relay = await startRelay({ bytesPerSecond: 1000, byteBurst: 65536, maxPayload: 65536, rateLimitCloseAfterSeconds: 0 });
    const a = await join('r', 'A');
    const b = await join('r', 'B');
    for (let i = 0; i < 100; i++) a.send(tcpFrame(a.address, b.address, 1460, i)); // 150 kB
    await waitFor(() => relay.stats().traffic.framesIn >= 100, 'the relay to read all frames');
    const forwarded = relay.stats().traffic.framesForwarded;
    // 65536 / 1500 = 43 from the full bucket; refill is 1000 B/s, so a 44th would need ~0.5 s.
    expect(forwarded).toBeGreaterThanOrEqual(43);
    expect(forwarded).toBeLessThanOrEqual(44);
    expect(relay.stats().traffic.dropped['rate-limited']).toBe(100 - forwarded);
    expect(b.frames.length).toBeLessThanOrEqual(forwarded);
  });

  it('closes a client that stays far above its rate with 4005', async () => {
    relay = await startRelay({ framesPerSecond: 10, frameBurst: 10, rateLimitCloseAfterSeconds: 1 });
    const a = await join('r', 'A');
    const b = await join('r', 'B');
    for (let i = 0; i < 50; i++) a.send(tcpFrame(a.address, b.address));
    const closed = await a.closed;
    expect(closed.code).toBe(4005);
    expect(closed.reason).toMatch(/rate limit/);
    expect(relay.stats().rateLimitCloses).toBe(1);
    await b.next('host-left');
  });
});

describe('reflection (issue 14: a victim closed for the RSTs others made it send)', () => {
  // A segment to a port nobody listens on is answered with a RST (RFC 9293 §3.10.7.1), so three
  // senders, each within its own limit, can make a receiver reply at three times its limit.
  const segment = (src: string, dst: string, flags: number, seq: number): Uint8Array =>
    encodePacket(
      { src: addr(src), dst: addr(dst) },
      { srcPort: 40000, dstPort: 9999, seq, ack: seq, flags, window: 0, urgent: 0, options: {}, payload: new Uint8Array(0) },
    );

  it('drops the victim\'s excess replies but never closes it; a flood beyond what it receives is still closed', async () => {
    relay = await startRelay({ framesPerSecond: 100, frameBurst: 100, rateLimitCloseAfterSeconds: 2, heartbeatMs: 0 });
    const victim = await join('r', 'Victim');
    const attackers = await Promise.all(['A1', 'A2', 'A3'].map((n) => join('r', n)));
    const byAddress = new Map(attackers.map((a) => [a.address, a]));
    // The victim's stack: one RST per segment, back to its source.
    victim.ws.on('message', (data, isBinary) => {
      if (!isBinary) return;
      const b = data as Buffer;
      const src = `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
      if (byAddress.has(src)) victim.send(segment(victim.address, src, Flag.RST, b.readUInt32BE(24)));
    });
    // 3 × 90 segments a second for 3.5 s: each attacker under its limit of 100, the victim's
    // replies at 270 a second, 170 a second over its own.
    for (let tick = 0; tick < 35; tick++) {
      for (const a of attackers) for (let i = 0; i < 9; i++) a.send(segment(a.address, victim.address, Flag.ACK, tick * 10 + i));
      await sleep(100);
    }
    await roundTrip(victim);
    const host = (name: string) => relay.stats().rooms[0]!.hosts.find((h) => h.hostname === name)!;
    expect(victim.closeInfo).toBeNull();
    expect(relay.stats().rateLimitCloses).toBe(0);
    expect(host('victim').traffic.dropped['rate-limited']).toBeGreaterThan(200); // it really was over
    for (const a of attackers) expect(host(a.welcome.hostname).traffic.dropped['rate-limited']).toBe(0);

    // A flood far beyond what it is sent is still closed: A1 gets ~45 segments a second from the
    // victim's replies' share and sends 1000 a second.
    const flooder = attackers[0]!;
    const deadline = Date.now() + 5000;
    while (flooder.closeInfo === null && Date.now() < deadline) {
      for (let i = 0; i < 100; i++) flooder.send(segment(flooder.address, victim.address, Flag.ACK, i));
      await sleep(100);
    }
    expect(await flooder.closed).toEqual({ code: 4005, reason: 'closed: sending far above the rate limit for too long' });
    expect(relay.stats().rateLimitCloses).toBe(1);
    expect(victim.closeInfo).toBeNull();
  });
});

describe('slow receiver', () => {
  it('drops frames to a receiver that does not read once its queue is full; memory stays bounded', async () => {
    const maxQueuedBytes = 256 * 1024;
    relay = await startRelay({
      maxQueuedBytes,
      framesPerSecond: 1e6,
      frameBurst: 1e6,
      bytesPerSecond: 1e9,
      byteBurst: 1e9,
      heartbeatMs: 0,
    });
    const a = await join('r', 'A');
    const slow = await join('r', 'Slow');
    const c = await join('r', 'C');
    const socket = (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    const n = 8000; // 12 MB: more than the loopback socket buffers can hide
    const frame = tcpFrame(a.address, slow.address, 1460);
    let peak = 0;
    const sampler = setInterval(() => {
      const host = relay.stats().rooms[0]!.hosts.find((h) => h.hostname === 'slow')!;
      peak = Math.max(peak, host.queuedBytes);
    }, 2);
    for (let i = 0; i < n; i++) {
      a.send(frame);
      if (i % 500 === 0) await sleep(1);
    }
    await waitFor(() => relay.stats().traffic.framesIn >= n, 'the relay to read the flood', 20_000);
    clearInterval(sampler);
    // Meanwhile everyone else is served.
    a.send(tcpFrame(a.address, c.address, 5));
    await c.waitFrames(1);

    const s = relay.stats();
    const host = s.rooms[0]!.hosts.find((h) => h.hostname === 'slow')!;
    expect(s.traffic.dropped['queue-full']).toBeGreaterThan(0);
    expect(host.traffic.queueDropsToHost).toBe(s.traffic.dropped['queue-full']);
    expect(host.queuedBytes).toBeLessThanOrEqual(maxQueuedBytes + 64);
    expect(peak).toBeLessThanOrEqual(maxQueuedBytes + 64);
    expect(host.queuedBytes).toBeGreaterThan(maxQueuedBytes - 2 * frame.length); // it really filled up
    expect(s.traffic.framesForwarded + s.traffic.dropped['queue-full']).toBe(n + 1);

    // Once it reads again it gets exactly what was forwarded to it.
    socket.resume();
    await slow.waitFrames(host.traffic.framesDelivered, 20_000);
    await sleep(50);
    expect(slow.frames).toHaveLength(host.traffic.framesDelivered);
  });
});

describe('heartbeat', () => {
  it('evicts a client that does not answer pings and keeps one that does', async () => {
    relay = await startRelay({ heartbeatMs: 100 });
    const alive = await join('r', 'Alive');
    const dead = await join('r', 'Dead', { autoPong: false });
    const left = await alive.next('host-left', 2000);
    expect(left.host.hostname).toBe('dead');
    expect((await dead.closed).code).toBe(1006); // cut, no close frame: it would not hear one
    expect(relay.stats().heartbeatEvictions).toBe(1);
    await sleep(350);
    expect(alive.ws.readyState).toBe(WebSocket.OPEN);
    await roundTrip(alive);
  });
});

describe('origin allow-list', () => {
  function tryOrigin(origin: string | undefined): Promise<'open' | number> {
    return new Promise((resolve) => {
      const ws = new WebSocket(wsUrl(relay, 'room=r&name=X'), origin === undefined ? {} : { origin });
      ws.on('error', () => {});
      ws.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.once('open', () => {
        resolve('open');
        ws.close();
      });
    });
  }

  it('refuses a foreign origin at the handshake and lets the same origin, localhost and non-browsers in', async () => {
    relay = await startRelay();
    expect(await tryOrigin('http://evil.example')).toBe(403);
    expect(await tryOrigin('null')).toBe(403);
    expect(await tryOrigin(`http://127.0.0.1:${relay.port}`)).toBe('open');
    expect(await tryOrigin('http://localhost:5173')).toBe('open');
    expect(await tryOrigin(undefined)).toBe('open');
    expect(relay.stats().refused.origin).toBe(2);
  });

  it('lets in the origins it is given', async () => {
    relay = await startRelay({ allowedOrigins: ['http://class.example:8080'] });
    expect(await tryOrigin('http://class.example:8080')).toBe('open');
    expect(await tryOrigin('http://class.example:9090')).toBe(403);
  });
});
