// Rooms, addresses and routing through a real relay with real ws clients.
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeIpv4Header } from '../workers/tcp/wire/ipv4.ts';
import type { Relay } from './relay.ts';
import { addr, roundTrip, startRelay, tcpFrame, TestClient, waitFor } from './test-support.ts';

let relay: Relay;
const clients: TestClient[] = [];
async function join(room: string, name: string): Promise<TestClient> {
  const c = await TestClient.join(relay, room, name);
  clients.push(c);
  return c;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await relay?.close();
});

describe('joining a room', () => {
  it('welcomes with address, hostname, room, MTU and the others; tells everyone who joins and leaves', async () => {
    relay = await startRelay({ bots: false });
    const ana = await join('Lab-1', '  Ana  ');
    expect(ana.welcome).toMatchObject({
      type: 'welcome',
      protocol: 1,
      room: 'lab-1',
      address: '10.0.1.1',
      hostname: 'ana',
      name: 'Ana',
      subnet: '10.0.0.0/16',
      mtu: 1500,
      hosts: [],
    });
    expect(ana.welcome.limits.maxQueuedBytes).toBe(512 * 1024);

    const bob = await join('lab-1', 'Bob');
    expect(bob.address).toBe('10.0.1.2');
    expect(bob.welcome.hosts).toEqual([{ address: '10.0.1.1', hostname: 'ana', name: 'Ana', kind: 'client' }]);
    const joined = await ana.next('host-joined');
    expect(joined.host).toEqual({ address: '10.0.1.2', hostname: 'bob', name: 'Bob', kind: 'client' });

    const ana2 = await join('lab-1', 'ana');
    expect(ana2.welcome.hostname).toBe('ana-2');
    expect(ana2.address).toBe('10.0.1.3');

    await bob.close();
    const left = await ana.next('host-left');
    expect(left.host.address).toBe('10.0.1.2');
    await ana2.next('host-left');
    // The freed address is handed out again.
    const cem = await join('lab-1', 'Cem');
    expect(cem.address).toBe('10.0.1.2');
    expect(cem.welcome.hosts.map((h) => h.hostname)).toEqual(['ana', 'ana-2']);
  });
});

describe('routing', () => {
  it('forwards a frame to the host with its destination address, byte for byte, both ways', async () => {
    relay = await startRelay();
    const a = await join('r', 'A');
    const b = await join('r', 'B');
    const ab = tcpFrame(a.address, b.address, 1460);
    const ba = tcpFrame(b.address, a.address, 10);
    a.send(ab);
    b.send(ba);
    await b.waitFrames(1);
    await a.waitFrames(1);
    expect(new Uint8Array(b.frames[0]!)).toEqual(ab);
    expect(new Uint8Array(a.frames[0]!)).toEqual(ba);
    const s = relay.stats();
    expect(s.traffic.framesForwarded).toBe(2);
    expect(s.traffic.bytesForwarded).toBe(ab.length + ba.length);
    expect(s.traffic.droppedTotal).toBe(0);
  });

  it('delivers a frame to its own sender when it is addressed to itself', async () => {
    relay = await startRelay();
    const a = await join('r', 'A');
    const f = tcpFrame(a.address, a.address, 5);
    a.send(f);
    await a.waitFrames(1);
    expect(new Uint8Array(a.frames[0]!)).toEqual(f);
  });

  it('keeps rooms apart even though they use the same addresses', async () => {
    relay = await startRelay();
    const a = await join('x', 'A');
    const b = await join('x', 'B');
    const c = await join('y', 'C');
    const d = await join('y', 'D');
    const e = await join('x', 'E'); // 10.0.1.3 exists only in room x
    expect([a.address, b.address]).toEqual(['10.0.1.1', '10.0.1.2']);
    expect([c.address, d.address]).toEqual(['10.0.1.1', '10.0.1.2']);
    a.send(tcpFrame(a.address, '10.0.1.2', 1, 1));
    d.send(tcpFrame(d.address, '10.0.1.1', 1, 2));
    c.send(tcpFrame(c.address, e.address, 1, 3));
    await b.waitFrames(1);
    await c.waitFrames(1);
    await c.next('unreachable');
    await roundTrip(a);
    await roundTrip(d);
    expect(b.frames).toHaveLength(1);
    expect(d.frames).toHaveLength(0);
    expect(c.frames).toHaveLength(1);
    expect(a.frames).toHaveLength(0);
    expect(e.frames).toHaveLength(0);
    const rooms = Object.fromEntries(relay.stats().rooms.map((r) => [r.name, r.traffic]));
    expect(rooms.x!.framesForwarded).toBe(1);
    expect(rooms.y!.framesForwarded).toBe(1);
    expect(rooms.y!.dropped.unreachable).toBe(1);
  });

  it('answers an unknown destination with "unreachable", rate limited, and counts every drop', async () => {
    relay = await startRelay({ noticesPerSecond: 5 });
    const a = await join('r', 'A');
    a.send(tcpFrame(a.address, '10.0.1.9'));
    expect(await a.next('unreachable')).toEqual({ type: 'unreachable', dst: '10.0.1.9' });
    for (let i = 0; i < 200; i++) a.send(tcpFrame(a.address, '10.0.7.7'));
    await roundTrip(a);
    const notices = a.ofType('unreachable').length;
    expect(notices).toBeGreaterThanOrEqual(5);
    expect(notices).toBeLessThanOrEqual(7); // 5 in the bucket, a little refill while the test runs
    expect(relay.stats().traffic.dropped.unreachable).toBe(201);
  });

  it('drops a spoofed source, tells the sender, and counts it per host, room and relay', async () => {
    relay = await startRelay();
    const a = await join('r', 'A');
    const b = await join('r', 'B');
    a.send(tcpFrame(b.address, b.address, 20)); // claims to be B
    a.send(tcpFrame('10.0.9.9', b.address, 20)); // claims to be nobody in the room
    const notice = await a.next('dropped');
    expect(notice.reason).toBe('spoofed');
    expect(notice.detail).toContain('10.0.1.2');
    await roundTrip(a);
    await roundTrip(b);
    expect(b.frames).toHaveLength(0);
    const s = relay.stats();
    expect(s.traffic.dropped.spoofed).toBe(2);
    const room = s.rooms.find((r) => r.name === 'r')!;
    expect(room.traffic.dropped.spoofed).toBe(2);
    expect(room.hosts.find((h) => h.hostname === 'a')!.traffic.dropped.spoofed).toBe(2);
    expect(room.hosts.find((h) => h.hostname === 'b')!.traffic.dropped.spoofed).toBe(0);
  });

  it('drops malformed, truncated, over-MTU, non-TCP and random frames with reasons; others keep working', async () => {
    relay = await startRelay({ mtu: 1500, framesPerSecond: 100_000, frameBurst: 100_000, noticesPerSecond: 1000 });
    const a = await join('r', 'A');
    const b = await join('r', 'B');
    const good = tcpFrame(a.address, b.address, 100);

    const badChecksum = good.slice();
    badChecksum[10]! ^= 0xff;
    const badVersion = good.slice();
    badVersion[0] = 0x65; // version 6, IHL 5
    const truncated = good.slice(0, 12);
    const trailing = new Uint8Array(good.length + 4);
    trailing.set(good); // total length says 140, the message has 144 bytes
    const shortTotal = good.slice(0, 60); // total length says 140, only 60 bytes arrive
    const udp = new Uint8Array(28);
    encodeIpv4Header(udp, { src: addr(a.address), dst: addr(b.address), ttl: 64, id: 0, tos: 0, dontFragment: true }, 8, 0, 17);
    const overMtu = tcpFrame(a.address, b.address, 1461); // 1501 bytes

    const cases: [Uint8Array, string][] = [
      [badChecksum, 'malformed'],
      [badVersion, 'malformed'],
      [truncated, 'malformed'],
      [new Uint8Array(0), 'malformed'],
      [shortTotal, 'malformed'],
      [trailing, 'bad-length'],
      [udp, 'not-tcp'],
      [overMtu, 'over-mtu'],
    ];
    for (const [frame] of cases) a.send(frame);
    // Random bytes: whatever they are, none may reach B (a random 20-byte header with a valid
    // checksum, the right length and our source address is out of reach).
    const random = fc.sample(fc.uint8Array({ minLength: 0, maxLength: 1600 }), { numRuns: 300, seed: 42 });
    for (const r of random) a.send(r);
    a.send(good);
    await b.waitFrames(1);
    await roundTrip(a);
    expect(b.frames).toHaveLength(1);
    expect(new Uint8Array(b.frames[0]!)).toEqual(good);

    const dropped = relay.stats().traffic.dropped;
    expect(dropped['bad-length']).toBe(1);
    expect(dropped['not-tcp']).toBe(1);
    expect(dropped['over-mtu']).toBeGreaterThanOrEqual(1);
    expect(dropped.malformed).toBeGreaterThanOrEqual(5);
    const total = Object.values(dropped).reduce((x, y) => x + y, 0);
    expect(total).toBe(cases.length + random.length);
    const reasons = a.ofType('dropped').map((m) => m.reason);
    for (const [, reason] of cases) expect(reasons).toContain(reason);
    expect(a.ofType('dropped').find((m) => m.detail.includes('checksum'))).toBeDefined();

    // B can still talk to A.
    b.send(tcpFrame(b.address, a.address, 3));
    await a.waitFrames(1);
  });

  it('closes a client that sends a message above maxPayload with 1009, counts it, and others keep working', async () => {
    relay = await startRelay({ maxPayload: 4096, byteBurst: 1 << 20 });
    const a = await join('r', 'A');
    const b = await join('r', 'B');
    const c = await join('r', 'C');
    a.send(new Uint8Array(5000));
    expect((await a.closed).code).toBe(1009);
    await b.next('host-left');
    expect(relay.stats().traffic.dropped['too-big']).toBe(1);
    b.send(tcpFrame(b.address, c.address, 10));
    await c.waitFrames(1);
  });

  it('refuses text messages that are not valid messages with an error, and answers ping', async () => {
    relay = await startRelay();
    const a = await join('r', 'A');
    const b = await join('r', 'B');
    for (const text of ['hello', '[1,2]', '{"type":"join"}', '{"type":"ping","id":{"x":1}}', 'null', '{}']) a.send(text);
    a.send('{"type":"ping","id":7}');
    await waitFor(() => a.ofType('pong').length === 1, 'pong');
    expect(a.ofType('pong')[0]).toEqual({ type: 'pong', id: 7 });
    const errors = a.ofType('error');
    expect(errors).toHaveLength(6);
    expect(errors[0]).toMatchObject({ type: 'error', reason: 'bad-message' });
    expect(errors[2]!.detail).toContain('unknown message type');
    expect(relay.stats().traffic.dropped['bad-message']).toBe(6);
    // Still connected and routing.
    a.send(tcpFrame(a.address, b.address));
    await b.waitFrames(1);
    expect(a.ws.readyState).toBe(a.ws.OPEN);
  });
});
