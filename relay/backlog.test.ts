// Room events to a client that does not read are bounded like its frames (issue 14: 8.2 MB of
// statuses queued for one paused teacher against a 512 KiB limit). A real relay on loopback; the
// stalled tab is a ws client whose socket is paused.
import { afterEach, describe, expect, it } from 'vitest';
import type { HostInfo, HostStatus, ServerMessage } from './protocol/messages.ts';
import { sleep, startRelay, tcpFrame, TestClient, waitFor, type TestRelay } from './test-support.ts';

let relay: TestRelay | null = null;
const clients: TestClient[] = [];

afterEach(async () => {
  for (const c of clients) socketOf(c).resume();
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await relay?.close();
  relay = null;
});

const MAX_QUEUED = 64 * 1024;

function socketOf(c: TestClient): { pause(): void; resume(): void } {
  return (c.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
}

async function start(): Promise<TestRelay> {
  return startRelay({ maxQueuedBytes: MAX_QUEUED, framesPerSecond: 1e6, frameBurst: 1e6, bytesPerSecond: 1e9, byteBurst: 1e9, heartbeatMs: 0 });
}

/** The first to join is the room's teacher. */
async function join(r: TestRelay, name: string): Promise<TestClient> {
  const c = await TestClient.join(r, 'lab', name);
  clients.push(c);
  return c;
}

const queuedFor = (r: TestRelay, hostname: string): number => r.stats().rooms[0]!.hosts.find((h) => h.hostname === hostname)!.queuedBytes;
const queueDrops = (r: TestRelay, hostname: string): number =>
  r.stats().rooms[0]!.hosts.find((h) => h.hostname === hostname)!.traffic.queueDropsToHost;

/** Flood `to` with frames until the relay drops some for it: its queue is full (the kernel's
 *  socket buffers on loopback hide a few MB first). */
async function fillQueue(r: TestRelay, from: TestClient, to: TestClient): Promise<void> {
  const frame = tcpFrame(from.address, to.address, 1400);
  for (let i = 0; i < 20_000 && queueDrops(r, to.welcome.hostname) === 0; i++) {
    from.send(frame);
    if (i % 200 === 199) await sleep(2);
  }
  await waitFor(() => queueDrops(r, to.welcome.hostname) > 0, 'the queue to fill');
}

/** Sample the relay's queue for `hostname` until stopped; returns the peak. */
function sampler(r: TestRelay, hostname: string): { stop(): number } {
  let peak = 0;
  const t = setInterval(() => (peak = Math.max(peak, queuedFor(r, hostname))), 2);
  return {
    stop: () => {
      clearInterval(t);
      return Math.max(peak, queuedFor(r, hostname));
    },
  };
}

/** A status of 64 connections (~5 KB), different for every (student, round). */
function bigStatus(student: number, round: number): HostStatus {
  return {
    connections: Array.from({ length: 64 }, (_, i) => ({ local: `10.0.1.${student}:${40000 + i}`, remote: `10.0.0.7:${round}`, state: 'ESTABLISHED' as const })),
    progress: { handshake: { done: round % 4, total: 3 < round % 4 ? round % 4 : 3, title: `round ${round}` } },
    exercise: 'handshake',
  };
}

/** What a client following the protocol believes the host list is, from its messages in order. */
function hostListOf(c: TestClient): string[] {
  let hosts: HostInfo[] = [];
  for (const m of c.messages as ServerMessage[]) {
    if (m.type === 'welcome') hosts = [...m.hosts];
    else if (m.type === 'host-joined') hosts = [...hosts.filter((h) => h.address !== m.host.address), m.host];
    else if (m.type === 'host-left') hosts = hosts.filter((h) => h.address !== m.host.address);
    else if (m.type === 'hosts') hosts = [...m.hosts];
  }
  return hosts.map((h) => h.hostname);
}

describe('room events to a client that does not read (PROTOCOL.md §2.1, §7)', () => {
  it('keeps a paused teacher within maxQueuedBytes and gives it the latest status of each host once it reads', async () => {
    relay = await start();
    const teacher = await join(relay, 'Teacher');
    const flooder = await join(relay, 'Flooder');
    const students = await Promise.all([1, 2, 3, 4, 5].map((i) => join(relay!, `Student ${i}`)));
    socketOf(teacher).pause();
    await fillQueue(relay, flooder, teacher);

    const peak = sampler(relay, 'teacher');
    const last = new Map<string, HostStatus>();
    // 6 rounds at 4 a second per student (the status rate limit): 30 statuses of ~5 KB, more
    // than twice the queue bound, while the queue is already full of frames.
    for (let round = 0; round < 6; round++) {
      students.forEach((s, i) => {
        const st = bigStatus(i + 1, round);
        s.send(JSON.stringify({ type: 'status', ...st }));
        last.set(s.address, st);
      });
      await sleep(260);
    }
    expect(peak.stop()).toBeLessThanOrEqual(MAX_QUEUED);
    expect(relay.stats().rooms[0]!.hosts.every((h) => h.traffic.dropped['rate-limited'] === 0)).toBe(true);

    socketOf(teacher).resume();
    const latest = (): Map<string, HostStatus> => {
      const m = new Map<string, HostStatus>();
      for (const msg of teacher.messages) {
        if (msg.type === 'room-status') for (const h of msg.hosts) m.set(h.address, h.status);
        if (msg.type === 'status') m.set(msg.address, msg.status);
      }
      return m;
    };
    await waitFor(() => students.every((s) => latest().get(s.address)?.connections[0]?.remote === last.get(s.address)!.connections[0]!.remote), 'the latest statuses', 10_000);
    for (const s of students) expect(latest().get(s.address)).toEqual(last.get(s.address));
    // Coalesced: fewer status messages than were published.
    expect(teacher.ofType('status').length).toBeLessThan(30);
  });

  it('keeps a paused student within maxQueuedBytes under join/leave churn and leaves it with the right host list', async () => {
    relay = await start();
    const paused = await join(relay, 'Paused');
    const flooder = await join(relay, 'Flooder');
    socketOf(paused).pause();
    await fillQueue(relay, flooder, paused);

    const peak = sampler(relay, 'paused');
    const stay: TestClient[] = [];
    for (let i = 0; i < 60; i++) {
      const c = await TestClient.join(relay, 'lab', `Churn ${i}`);
      if (i % 10 === 0) {
        stay.push(c);
        clients.push(c);
      } else await c.close();
    }
    await sleep(50);
    expect(peak.stop()).toBeLessThanOrEqual(MAX_QUEUED);

    socketOf(paused).resume();
    const expected = ['flooder', ...stay.map((c) => c.welcome.hostname)];
    await waitFor(() => JSON.stringify(hostListOf(paused)) === JSON.stringify(expected), 'the host list to settle', 10_000);
    expect(paused.ofType('hosts').length).toBeGreaterThan(0); // it was resynchronized, not replayed
    expect(paused.ofType('host-joined').length + paused.ofType('host-left').length).toBeLessThan(120);
  });
});
