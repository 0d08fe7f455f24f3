// The controller, on a real EndpointService in this process (offline mode): a bulk send makes
// the page busy at once, and while busy every render is bracketed by drawing()/drawn(), so the
// worker leaves the CPU to the frame. Light traffic never asks the worker to wait. While the
// worker's trace streams, the page takes it at its own pace and shows the newest TCB early.
import { describe, expect, it, vi } from 'vitest';
import type { Remote } from 'comlink';
import { EndpointService } from '../../workers/endpoint-service.ts';
import { FakeRelay } from '../../workers/fake-relay.ts';
import { realTimers } from '../../workers/timers.ts';
import { MAX_BEHIND, PlaygroundController } from './controller.ts';
import type { WorkerApi } from './worker-client.ts';
import type { WorkerUpdate } from '../../workers/api.ts';
import { generatedFile } from './generated-file.ts';
import { TAIL_CHARS } from './received.ts';
import { encodePacket, decodePacket } from '../../workers/tcp/wire/packet.ts';
import { Flag } from '../../workers/tcp/wire/types.ts';
import { tcbSnapshot } from '../../workers/tcp/test-support/tcb-snapshot.ts';

/** The last TAIL_CHARS characters of the generated file of n bytes (it is ASCII). */
const generatedTail = (n: number) => new TextDecoder().decode(generatedFile(n)).slice(-TAIL_CHARS);

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function setup() {
  const service = new EndpointService({ timers: realTimers, createSocket: new FakeRelay().createSocket, newSeed: () => 9, random: () => 0.5 });
  const drawing = vi.spyOn(service, 'drawing');
  const drawn = vi.spyOn(service, 'drawn');
  // As comlink shows it to the page: every call answers with a promise.
  const api = new Proxy(service, {
    get(target, key) {
      const v = Reflect.get(target, key) as unknown;
      return typeof v === 'function' ? (...args: unknown[]) => Promise.resolve((v as (...a: unknown[]) => unknown).apply(target, args)) : v;
    },
  }) as unknown as Remote<WorkerApi>;
  const controller = new PlaygroundController({ endpoint: { api, onFailure: () => {}, terminate: () => service.dispose() } });
  return { service, controller, drawing, drawn };
}

async function connected(controller: PlaygroundController) {
  await controller.start();
  expect(await controller.startOffline(2)).toBe(true);
  expect(await controller.listen(1, 80)).toBe(true);
  const conn = await controller.connect(0, '10.0.0.2', 80);
  expect(conn).toBeDefined();
  await wait(100);
  return conn!;
}

/** A controller on a stand-in worker whose updates the test hands it itself. */
async function fedByHand() {
  let listener: ((u: WorkerUpdate) => void) | null = null;
  const api = {
    subscribe: (l: (u: WorkerUpdate) => void) => ((listener = l), Promise.resolve(1)),
    clockState: () => Promise.resolve({ factor: 1, paused: false, stack: 0, real: Date.now() }),
    drawing: () => Promise.resolve({ ok: true, value: undefined }),
    drawn: () => Promise.resolve({ ok: true, value: undefined }),
  } as unknown as Remote<WorkerApi>;
  const controller = new PlaygroundController({ endpoint: { api, onFailure: () => {}, terminate: () => {} } });
  await controller.start();
  return { controller, update: (u: WorkerUpdate) => listener!(u) };
}

/** An update of `n` deliver records from seq `from`, the worker's trace having reached `head`. */
const update = (from: number, n: number, head = from + n, extra: Partial<WorkerUpdate> = {}): WorkerUpdate => ({
  records: Array.from({ length: n }, (_, i) => ({ seq: from + i, real: 0, event: { type: 'deliver' as const, t: 0, host: '10.0.0.2', conn: 1, bytes: 1448 } })),
  next: from + n,
  head,
  missed: 0,
  sockets: [],
  ...extra,
});

describe('PlaygroundController and drawing()', () => {
  it('counts as busy from the first large batch of an arriving stream, not from a handshake-sized one', async () => {
    const { controller, update: feed } = await fedByHand();
    feed(update(0, 30));
    expect(controller.busy).toBe(false);
    feed(update(30, 40));
    expect(controller.busy).toBe(true);
    controller.dispose();
  });

  it('counts as busy from the first few full-sized data segments, however small the batch', async () => {
    const { controller, update } = await fedByHand();
    const segments = (from: number, n: number, len: number): WorkerUpdate => ({
      records: Array.from({ length: n }, (_, i) => {
        const bytes = encodePacket({ src: 0x0a000001, dst: 0x0a000002 }, { srcPort: 1, dstPort: 80, seq: i * len, ack: 1, flags: Flag.ACK, window: 65535, urgent: 0, options: {}, payload: new Uint8Array(len) });
        const d = decodePacket(bytes);
        if (!d.ok) throw new Error(d.reason);
        return { seq: from + i, real: 0, event: { type: 'segment' as const, t: 0, host: '10.0.0.2', dir: 'in' as const, conn: 1, bytes, seg: d.value.tcp, src: '10.0.0.1', dst: '10.0.0.2' } };
      }),
      next: from + n,
      head: from + n,
      missed: 0,
      sockets: [],
    });
    // A line a student typed: not a stream.
    update(segments(0, 3, 40));
    expect(controller.busy).toBe(false);
    // The first flight of a transfer.
    update(segments(3, 4, 1460));
    expect(controller.busy).toBe(true);
    controller.dispose();
  });

  it('does not make the worker wait for the frames of a handshake', async () => {
    const { controller, drawing, service } = setup();
    controller.subscribe(() => {});
    await connected(controller);
    await wait(100);
    expect(controller.busy).toBe(false);
    expect(drawing).not.toHaveBeenCalled();
    service.dispose();
  });

  it('is busy from the moment it hands over a bulk send, and brackets each render with drawing()/drawn()', async () => {
    const { controller, drawing, drawn, service } = setup();
    let renders = 0;
    controller.subscribe(() => void renders++);
    const conn = await connected(controller);
    const sent = controller.sendFile(0, conn, 2 * 1024 * 1024);
    await sent;
    expect(controller.busy).toBe(true);
    await wait(600);
    expect(renders).toBeGreaterThan(0);
    expect(drawing).toHaveBeenCalledWith(50);
    expect(drawn.mock.calls.length).toBeGreaterThan(0);
    // Every wait the controller asked for, it ended (or the worker ended it after 50 ms).
    expect(drawn.mock.calls.length).toBeGreaterThanOrEqual(drawing.mock.calls.length - 1);
    service.dispose();
  });

  it('while busy, changes the received text on the card once a second at most, and shows the end of it at the end', async () => {
    const { controller, service } = setup();
    const conn = await connected(controller);
    const seen: { bytes: number; tail: string; at: number }[] = [];
    controller.subscribe(() => {
      for (const v of controller.sockets.values()) if (v.host === 1) seen.push({ bytes: v.received.bytes, tail: v.received.tail, at: performance.now() });
    });
    const n = 3 * 1024 * 1024;
    await controller.sendFile(0, conn, n);
    await controller.shutdown(0, conn); // after what writeAll still holds
    for (let i = 0; i < 100 && !(seen.at(-1)?.bytes === n && [...controller.sockets.values()].some((v) => v.host === 1 && v.received.eof)); i++) await wait(100);
    const card = [...controller.sockets.values()].find((v) => v.host === 1)!;
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

describe('PlaygroundController: taking the trace while it streams', () => {
  /** How long the worker would wait before its next update: when the listener's promise settles. */
  async function held(result: void | Promise<void>): Promise<number> {
    const t0 = performance.now();
    await result;
    return performance.now() - t0;
  }
  const tcbRecord = (seq: number, cwnd: number) => ({
    seq,
    real: 0,
    event: {
      type: 'tcb' as const, t: 0, host: '10.0.0.2', conn: 1,
      tcb: tcbSnapshot({ cwnd }),
    },
  });

  it('takes the next update only after 250 ms while the worker’s trace grows faster than BUSY_RATE, and says how far behind it is', async () => {
    const { controller, update: feed } = await fedByHand();
    expect(await held(feed(update(0, 10, 10)))).toBeLessThan(50); // a handshake: at once
    // 2,000 records made in a few ms: a bulk transfer's pace.
    const waited = await held(feed(update(10, 250, 2_010)));
    expect(waited).toBeGreaterThanOrEqual(240);
    expect(controller.behind).toBe(1_750);
    expect(controller.streaming).toBe(true);
    expect(controller.busy).toBe(true);
    controller.dispose();
  });

  it('takes the rest at once when the stream calms', async () => {
    const { controller, update: feed } = await fedByHand();
    feed(update(0, 10, 10));
    await held(feed(update(10, 250, 3_000)));
    await wait(1_500); // nothing new made meanwhile
    expect(await held(feed(update(260, 250, 3_000)))).toBeLessThan(50);
    expect(controller.streaming).toBe(false);
    controller.dispose();
  });

  it(`never falls more than MAX_BEHIND (${MAX_BEHIND}) records behind: past that it takes all it can, so the worker never evicts what it has not taken`, async () => {
    const { controller, update: feed } = await fedByHand();
    feed(update(0, 10, 10));
    expect(await held(feed(update(10, 250, MAX_BEHIND + 260)))).toBeLessThan(50);
    expect(controller.behind).toBe(MAX_BEHIND);
    controller.dispose();
  });

  it('caughtUp() takes everything at once and resolves when nothing is left behind', async () => {
    const { controller, update: feed } = await fedByHand();
    feed(update(0, 10, 10));
    await held(feed(update(10, 250, 5_000)));
    let done: boolean | null = null;
    void controller.caughtUp().then((v) => (done = v));
    expect(await held(feed(update(260, 250, 6_000)))).toBeLessThan(50);
    expect(done).toBe(null);
    feed(update(510, 250, 760));
    await wait(0);
    expect(done).toBe(true);
    expect(await controller.caughtUp()).toBe(true); // nothing behind: at once
    controller.dispose();
  });

  it('shows the worker’s newest TCB of a connection until its own trace has it', async () => {
    const { controller, update: feed } = await fedByHand();
    feed(update(0, 10, 10));
    feed(update(10, 250, 2_010, { newestTcbs: [tcbRecord(2_000, 29_200)] }));
    expect(controller.liveTcbs().get('10.0.0.2#1')?.cwnd).toBe(29_200);
    // The page's trace has reached that record: its own index shows it now.
    feed({ ...update(260, 1, 2_010), records: [], next: 2_001 });
    controller.trace.add([tcbRecord(2_000, 29_200)]);
    expect(controller.liveTcbs().size).toBe(0);
    controller.dispose();
  });
});
