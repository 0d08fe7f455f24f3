// Memory per connection: the buffers' storage must follow the bytes they hold, not the configured
// 256 KiB each way, or thousands of handshakes from one address (the relay's bots run this core)
// cost gigabytes. Measured as the storage the core's SendBuffer and RecvBuffer instances hold
// (deterministic), not process memory.
import { describe, expect, it, vi } from 'vitest';
import { B_ADDR, makePair, settle, type Side } from './test-support/pair.ts';
import { PROFILES, DEFAULT_SETTINGS } from './settings.ts';
import { MIN_STORAGE } from './ring-storage.ts';
import type { TcbSnapshot } from './trace.ts';

interface Counted {
  readonly storageBytes: number;
  readonly capacity: number;
}

// Every buffer a connection makes is registered here, whatever the connection does with it.
const made = vi.hoisted(() => ({ send: [] as Counted[], recv: [] as Counted[] }));

vi.mock('./send-buffer.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('./send-buffer.ts')>();
  class RegisteredSendBuffer extends real.SendBuffer {
    constructor(capacity: number) {
      super(capacity);
      made.send.push(this);
    }
  }
  return { ...real, SendBuffer: RegisteredSendBuffer };
});

vi.mock('./recv-buffer.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('./recv-buffer.ts')>();
  class RegisteredRecvBuffer extends real.RecvBuffer {
    constructor(capacity: number) {
      super(capacity);
      made.recv.push(this);
    }
  }
  return { ...real, RecvBuffer: RegisteredRecvBuffer };
});

const N = 2000;
const BATCH = 100;
const KiB = 1024;
/** The bound for a connection that only shook hands: both rings are still empty. */
const HANDSHAKE_BOUND = 0;
/** After a short request and reply each way: at most the smallest ring each way. */
const SMALL_EXCHANGE_BOUND = 2 * MIN_STORAGE;

function statusOf(side: Side, id: number): TcbSnapshot {
  const s = side.host.status(id);
  if (!s.ok) throw new Error(s.error.message);
  return s.value;
}

const storage = (list: Counted[]): number => list.reduce((n, b) => n + b.storageBytes, 0);

/** Deliver packets and fire due timers (delayed ACKs, retransmissions) until nothing is due within a second. */
function quiet(a: Side, b: Side, now: number): number {
  let t = now;
  for (let round = 0; round < 1000; round++) {
    t = settle(a, b, t, 1);
    const due = [a.host.nextDeadline(), b.host.nextDeadline()].filter((d): d is number => d !== null);
    if (due.length === 0 || Math.min(...due) > t + 1000) return t;
    t = Math.max(t, Math.min(...due));
    a.host.poll(t);
    b.host.poll(t);
  }
  throw new Error('the hosts never went quiet');
}

/** N connections from A to B:80, each accepted, with the modern profile the relay's bots use. */
function openMany(): { a: Side; b: Side; client: number[]; server: number[]; now: number } {
  const { a, b } = makePair({ ...PROFILES.modern, backlog: BATCH });
  expect(b.host.listen(80, BATCH).ok).toBe(true);
  const client: number[] = [];
  const server: number[] = [];
  let now = 0;
  while (client.length < N) {
    for (let i = 0; i < BATCH; i++) {
      const c = a.host.connect({ remoteAddr: B_ADDR, remotePort: 80 }, now);
      if (!c.ok) throw new Error(c.error.message);
      client.push(c.value);
    }
    now = settle(a, b, now, 1);
    for (;;) {
      const id = b.host.accept(80);
      if (!id.ok) throw new Error(id.error.message);
      if (id.value === null) break;
      server.push(id.value);
    }
  }
  return { a, b, client, server, now };
}

describe('memory per connection', () => {
  it(`${N} handshake-only connections hold no buffer storage, yet offer the full 256 KiB window (RFC 9293 §3.8.6)`, () => {
    made.send.length = 0;
    made.recv.length = 0;
    const { a, b, client, server, now } = openMany();
    expect(server).toHaveLength(N);
    for (const id of client) expect(statusOf(a, id)).toMatchObject({ state: 'ESTABLISHED' });
    // One send and one receive buffer per connection, on each host.
    expect(made.send).toHaveLength(2 * N);
    expect(made.recv).toHaveLength(2 * N);
    for (const buf of [...made.send, ...made.recv]) expect(buf.capacity).toBe(DEFAULT_SETTINGS.sendBufferSize);

    const perConnection = (storage(made.send) + storage(made.recv)) / (2 * N);
    expect(perConnection).toBeLessThanOrEqual(HANDSHAKE_BOUND);
    // The window A offered in its ACK (scaled; a SYN's never is, RFC 7323 §2.2) is the capacity's
    // free space, unchanged by the empty rings.
    for (const id of server) expect(statusOf(b, id)).toMatchObject({ sndWnd: DEFAULT_SETTINGS.receiveBufferSize });

    // A short request and reply on every connection, all read: at most the smallest ring each way.
    const request = new Uint8Array(200).fill(1);
    const reply = new Uint8Array(300).fill(2);
    let t = now;
    for (const id of client) expect(a.host.write(id, request, t)).toMatchObject({ ok: true, value: 200 });
    t = settle(a, b, t, 1);
    for (const id of server) {
      const r = b.host.read(id, 1000, t);
      expect(r.ok && r.value.data.length).toBe(200);
      expect(b.host.write(id, reply, t)).toMatchObject({ ok: true, value: 300 });
    }
    t = settle(a, b, t, 1);
    for (const id of client) {
      const r = a.host.read(id, 1000, t);
      expect(r.ok && r.value.data.length).toBe(300);
    }
    // Let the delayed ACKs go out so both send queues empty.
    t += DEFAULT_SETTINGS.delayedAckTimeout + 1;
    a.host.poll(t);
    b.host.poll(t);
    settle(a, b, t, 1);
    for (const id of client) {
      expect(statusOf(a, id)).toMatchObject({ sendQueued: 0, recvQueued: 0, sndWnd: DEFAULT_SETTINGS.receiveBufferSize });
    }
    const afterExchange = (storage(made.send) + storage(made.recv)) / (2 * N);
    expect(afterExchange).toBeGreaterThan(0);
    expect(afterExchange).toBeLessThanOrEqual(SMALL_EXCHANGE_BOUND);
    console.log(`buffer storage per connection: ${perConnection} B after the handshake, ${afterExchange / KiB} KiB after a short exchange (${N} connections on each host)`);
  });

  it('a connection gives the memory of a burst back once it goes idle', () => {
    made.send.length = 0;
    made.recv.length = 0;
    const { a, b } = makePair({ ...PROFILES.modern });
    b.host.listen(80);
    const c = a.host.connect({ remoteAddr: B_ADDR, remotePort: 80 }, 0);
    if (!c.ok) throw new Error(c.error.message);
    let t = quiet(a, b, 0);
    const server = b.host.accept(80);
    if (!server.ok || server.value === null) throw new Error('not accepted');
    const burst = 200 * KiB;
    expect(a.host.write(c.value, new Uint8Array(burst).fill(3), t)).toMatchObject({ ok: true, value: burst });
    expect(storage(made.send)).toBe(256 * KiB); // 200 KiB queued: the send ring doubled up to the capacity
    t = quiet(a, b, t);
    expect(storage(made.recv)).toBe(256 * KiB); // all of it arrived unread
    let got = 0;
    for (;;) {
      const r = b.host.read(server.value, 64 * KiB, t);
      if (!r.ok || r.value.data.length === 0) break;
      got += r.value.data.length;
    }
    expect(got).toBe(burst);
    quiet(a, b, t);
    expect(storage(made.send) + storage(made.recv)).toBe(0);
  });
});
