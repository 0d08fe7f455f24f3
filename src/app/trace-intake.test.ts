// The trace intake on a stand-in worker whose updates the test hands it itself: a large batch
// or a few full-sized segments make the page busy at once; while the worker's trace streams, the
// page takes it at its own pace (README "The page takes a stream at its own pace"), says how far
// behind it is, never falls more than MAX_BEHIND behind, and shows the newest TCB early.
import { describe, expect, it } from 'vitest';
import type { Remote } from 'comlink';
import { MAX_BEHIND, TraceIntake } from './trace-intake.ts';
import { ChangeFeed } from './change-feed.ts';
import { NoticeCenter } from './notices.ts';
import type { WorkerApi } from './worker-client.ts';
import type { WorkerUpdate } from '../../workers/api.ts';
import { encodePacket, decodePacket } from '../../workers/tcp/wire/packet.ts';
import { Flag } from '../../workers/tcp/wire/types.ts';
import { tcbSnapshot } from '../../workers/tcp/test-support/tcb-snapshot.ts';
import { wait } from './playground-test-support.ts';

/** An intake on a stand-in worker whose updates the test hands it itself. */
async function fedByHand() {
  let listener: ((u: WorkerUpdate) => void | Promise<void>) | null = null;
  const api = {
    subscribe: (l: (u: WorkerUpdate) => void) => ((listener = l), Promise.resolve(1)),
    drawing: () => Promise.resolve({ ok: true, value: undefined }),
    drawn: () => Promise.resolve({ ok: true, value: undefined }),
  } as unknown as Remote<WorkerApi>;
  const feed = new ChangeFeed(api);
  const controller = new TraceIntake(api, feed, new NoticeCenter(feed));
  await controller.subscribe();
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

describe('TraceIntake: when the page counts as busy', () => {
  it('counts as busy from the first large batch of an arriving stream, not from a handshake-sized one', async () => {
    const { controller, update: feed } = await fedByHand();
    feed(update(0, 30));
    expect(controller.busy).toBe(false);
    feed(update(30, 40));
    expect(controller.busy).toBe(true);
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
  });

});

describe('TraceIntake: taking the trace while it streams', () => {
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
  });

  it('takes the rest at once when the stream calms', async () => {
    const { controller, update: feed } = await fedByHand();
    feed(update(0, 10, 10));
    await held(feed(update(10, 250, 3_000)));
    await wait(1_500); // nothing new made meanwhile
    expect(await held(feed(update(260, 250, 3_000)))).toBeLessThan(50);
    expect(controller.streaming).toBe(false);
  });

  it(`never falls more than MAX_BEHIND (${MAX_BEHIND}) records behind: past that it takes all it can, so the worker never evicts what it has not taken`, async () => {
    const { controller, update: feed } = await fedByHand();
    feed(update(0, 10, 10));
    expect(await held(feed(update(10, 250, MAX_BEHIND + 260)))).toBeLessThan(50);
    expect(controller.behind).toBe(MAX_BEHIND);
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
  });
});
