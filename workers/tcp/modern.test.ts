// Scenario tests for modern TCP: congestion control (RFC 5681/6582), SACK (RFC 2018/6675),
// window scaling and timestamps (RFC 7323), Nagle (RFC 9293 §3.7.4), delayed ACK (§3.8.6.3), SWS.
import { describe, expect, it } from 'vitest';
import { B_ADDR, bytesOf, deliver, drain, makePair, nothingSent, one, sent, settle, type Side, type Wire } from './test-support/pair.ts';
import { PROFILES, type StackSettings } from './settings.ts';
import { runTransfer } from './sim/transfer.ts';
import type { TraceEvent } from './trace.ts';

const X = 1000;
const Y = 5000;

function connect(settings: Partial<StackSettings>, bSettings: Partial<StackSettings> = settings, isns = { a: X, b: Y }) {
  const { a, b } = makePair(settings, isns);
  b.host.configure(bSettings);
  b.host.listen(80);
  const c = a.host.connect({ remoteAddr: B_ADDR, remotePort: 80, localPort: 40000 }, 0);
  if (!c.ok) throw new Error(c.error.message);
  const syn = one(a);
  deliver(b, syn, 10);
  const synAck = one(b);
  deliver(a, synAck, 20);
  const ack = sent(a);
  deliver(b, ack, 30);
  const acc = b.host.accept(80);
  if (!acc.ok || acc.value === null) throw new Error('nothing to accept');
  return { a, b, ca: c.value, cb: acc.value, syn, synAck };
}

const sentReasons = (s: Side) => s.trace.flatMap((e) => (e.type === 'segment' && e.dir === 'out' ? [e.reason] : []));
const timersFired = (s: Side, name: string) => s.trace.filter((e) => e.type === 'timer' && e.action === 'fired' && e.timer === name).length;

const NEWRENO: Partial<StackSettings> = { ...PROFILES.modern, sack: false, timestamps: false, delayedAck: false, nagle: false };
const SACK: Partial<StackSettings> = { ...PROFILES.modern, delayedAck: false, nagle: false };

describe('fast retransmit (RFC 5681 §3.2)', () => {
  it('the third duplicate ACK retransmits the lost segment before any RTO, and enters fast recovery', () => {
    const { a, b, ca, cb } = connect(NEWRENO);
    // One exchange first, so the peer's scaled window is known: an ACK that changes the window
    // is not a duplicate (RFC 5681 §2, condition e).
    a.host.write(ca, bytesOf(1), 50);
    deliver(b, one(a), 60);
    deliver(a, one(b), 70);
    drain(b, cb, 70);
    a.host.write(ca, bytesOf(1460 * 6), 100);
    const segs = sent(a);
    expect(segs).toHaveLength(6); // within the initial window of 10
    deliver(b, segs.slice(1), 110); // the first is lost
    const dups = sent(b);
    expect(dups.map((w) => w.seg.ack)).toEqual(Array(5).fill(X + 2));
    deliver(a, dups.slice(0, 2), 120);
    nothingSent(a); // two duplicates are not enough
    deliver(a, dups[2]!, 121);
    const fr = one(a);
    expect([fr.seg.seq, fr.seg.payload.length]).toEqual([X + 2, 1460]);
    expect(sentReasons(a).at(-1)).toBe('fast-retransmit');
    expect(timersFired(a, 'retransmit')).toBe(0);
    const cw = a.trace.filter((e): e is Extract<TraceEvent, { type: 'cwnd' }> => e.type === 'cwnd');
    expect(cw.at(-1)?.reason).toBe('fast recovery entered');
    expect(cw.at(-1)?.ssthresh).toBe(Math.floor((1460 * 6) / 2));
    deliver(b, fr, 130);
    deliver(a, sent(b), 140);
    expect(a.trace.filter((e) => e.type === 'cwnd').at(-1)).toMatchObject({ reason: 'fast recovery left' });
    expect(drain(b, cb, 150).data).toEqual(bytesOf(1460 * 6));
  });

  it('the textbook profile has no fast retransmit: only the timer repairs the loss', () => {
    const { a, b, ca } = connect({});
    a.host.write(ca, bytesOf(1460 * 6), 100);
    const segs = sent(a);
    deliver(b, segs.slice(1), 110);
    deliver(a, sent(b), 120);
    nothingSent(a);
    expect(a.host.nextDeadline()).toBe(100 + 1000);
  });
});

describe('SACK loss recovery (RFC 2018, RFC 6675)', () => {
  it('negotiates SACK-permitted in the handshake', () => {
    const { syn, synAck } = connect(SACK);
    expect(syn.seg.options.sackPermitted).toBe(true);
    expect(synAck.seg.options.sackPermitted).toBe(true);
  });

  it('does not use SACK unless both SYNs permit it', () => {
    const { synAck } = connect(SACK, { ...SACK, sack: false });
    expect(synAck.seg.options.sackPermitted).toBeUndefined();
  });

  it('a burst loss is repaired hole by hole in one recovery, without a timeout', () => {
    const { a, b, ca, cb } = connect(SACK);
    const mss = 1448; // 1460 less the 12 bytes of the timestamps option every segment carries
    const data = bytesOf(mss * 10);
    a.host.write(ca, data, 100);
    const segs = sent(a);
    expect(segs.map((w) => w.seg.payload.length)).toEqual(Array(10).fill(mss));
    // Segments 2, 3 and 4 are lost in a burst.
    deliver(b, [segs[0]!, ...segs.slice(4)], 110);
    const acks = sent(b);
    const last = acks.at(-1)!;
    expect(last.seg.ack).toBe(X + 1 + mss);
    expect(last.seg.options.sackBlocks).toEqual([{ left: X + 1 + mss * 4, right: X + 1 + mss * 10 }]);
    let t = 120;
    deliver(a, acks, t);
    // Exchange until quiet, with no further loss.
    t = settle(a, b, t);
    expect(drain(b, cb, t).data).toEqual(data);
    const rexmit = a.trace.filter((e) => e.type === 'segment' && e.dir === 'out' && (e.reason === 'fast-retransmit' || e.reason === 'retransmit'));
    expect(rexmit.map((e) => (e.type === 'segment' ? (e.seg.seq - X - 1) / mss : -1))).toEqual([1, 2, 3]);
    expect(rexmit.every((e) => e.type === 'segment' && e.reason === 'fast-retransmit')).toBe(true);
    expect(timersFired(a, 'retransmit')).toBe(0);
    const reasons = a.trace.flatMap((e) => (e.type === 'cwnd' ? [e.reason] : []));
    expect(reasons.filter((r) => r === 'fast recovery entered')).toHaveLength(1);
    expect(reasons).toContain('fast recovery left');
  });
});

describe('SACK blocks (RFC 2018 §4)', () => {
  it('report the block holding the most recent arrival first', () => {
    const { a, b, ca } = connect(SACK);
    const mss = 1448;
    a.host.write(ca, bytesOf(mss * 6), 100);
    const segs = sent(a);
    deliver(b, segs[4]!, 110);
    deliver(b, segs[2]!, 111);
    const acks = sent(b);
    const seqOf = (i: number) => X + 1 + mss * i;
    expect(acks[0]!.seg.options.sackBlocks).toEqual([{ left: seqOf(4), right: seqOf(5) }]);
    expect(acks[1]!.seg.options.sackBlocks).toEqual([
      { left: seqOf(2), right: seqOf(3) },
      { left: seqOf(4), right: seqOf(5) },
    ]);
  });
});

describe('segment size with options (RFC 9293 §3.7.1)', () => {
  it('data segments carrying SACK blocks shrink so the packet never exceeds the MTU', () => {
    const { a, b, ca, cb } = connect(SACK);
    // B holds out-of-order data from A, so B's own data segments carry SACK blocks.
    a.host.write(ca, bytesOf(1448 * 4), 100);
    const segs = sent(a);
    deliver(b, [segs[1]!, segs[3]!], 110);
    sent(b);
    b.host.write(cb, bytesOf(20_000), 120);
    const out = sent(b);
    expect(out.length).toBeGreaterThan(5);
    for (const w of out) {
      expect(w.bytes.length, `${w.flags} len ${w.seg.payload.length} with ${w.seg.options.sackBlocks?.length ?? 0} SACK blocks`).toBeLessThanOrEqual(1500);
    }
    expect(out[0]!.seg.options.sackBlocks).toHaveLength(2);
    expect(out[0]!.seg.payload.length).toBe(1448 - 20); // 2 NOPs + kind/len + 2 blocks of 8
    expect(out[0]!.bytes.length).toBe(1500);
  });
});

describe('limited transmit (RFC 3042)', () => {
  it('each of the first two duplicate ACKs sends one new segment beyond cwnd', () => {
    const { a, b, ca, cb } = connect({ ...NEWRENO, initialWindowSegments: 3 });
    a.host.write(ca, bytesOf(1), 50);
    deliver(b, one(a), 60);
    deliver(a, one(b), 70);
    drain(b, cb, 70);
    a.host.write(ca, bytesOf(1460 * 8), 100);
    const segs = sent(a);
    expect(segs).toHaveLength(3); // cwnd 3 segments (+1 byte from the first exchange's slow start)
    deliver(b, segs.slice(1), 110); // the first is lost: two duplicate ACKs
    const dups = sent(b);
    deliver(a, dups[0]!, 120);
    expect(one(a).seg.seq).toBe(X + 2 + 1460 * 3);
    deliver(a, dups[1]!, 121);
    expect(one(a).seg.seq).toBe(X + 2 + 1460 * 4);
  });
});

describe('window scaling (RFC 7323 §2)', () => {
  const big = { ...PROFILES.modern, receiveBufferSize: 1 << 20, sendBufferSize: 1 << 20, delayedAck: false };

  it('is negotiated both ways and then applied: the 16-bit field carries window >> shift', () => {
    const { a, b, ca, syn, synAck } = connect(big);
    expect(syn.seg.options.windowScale).toBe(5); // 65535 << 5 ≥ 1 MiB
    expect(synAck.seg.options.windowScale).toBe(5);
    expect(syn.seg.window).toBe(65535); // a SYN's window is never scaled
    a.host.write(ca, bytesOf(1000), 100);
    deliver(b, one(a), 110);
    const ack = one(b);
    expect(ack.seg.window).toBe(Math.floor(((1 << 20) - 1000) / 32) + 1); // scaled, rounded up
    deliver(a, ack, 120);
    const st = a.host.status(ca);
    expect(st.ok && st.value.sndWnd).toBe(ack.seg.window << 5);
  });

  it('is not applied when only one side offers it: the window stays ≤ 65535', () => {
    const { a, b, ca, syn, synAck } = connect(big, { ...big, windowScale: false });
    expect(syn.seg.options.windowScale).toBe(5);
    expect(synAck.seg.options.windowScale).toBeUndefined();
    a.host.write(ca, bytesOf(1000), 100);
    deliver(b, one(a), 110);
    const ack = one(b);
    // Unscaled, and the right edge stays where it was: 1000 bytes is less than an MSS of growth (SWS).
    expect(ack.seg.window).toBe(65535 - 1000);
    deliver(a, ack, 120);
    const st = a.host.status(ca);
    expect(st.ok && st.value.sndWnd).toBe(65535 - 1000);
    // And our own advertisements are unscaled too.
    a.host.write(ca, bytesOf(10), 130);
    expect(one(a).seg.window).toBe(65535);
  });
});

describe('timestamps and PAWS across the 2^32 wrap (RFC 7323 §3–5)', () => {
  it('crosses the wrap with every byte intact, takes RTT samples from timestamps, and PAWS rejects an old duplicate', () => {
    const ts = { ...PROFILES.modern, delayedAck: false, nagle: false };
    const { a, b, ca, cb, syn, synAck } = connect(ts, ts, { a: 0xffff_ffff - 3000, b: 0xffff_fff0 });
    expect(syn.seg.options.timestamps?.tsEcr).toBe(0);
    expect(synAck.seg.options.timestamps?.tsEcr).toBe(syn.seg.options.timestamps?.tsVal);
    const data = bytesOf(60_000);
    let t = 100;
    a.host.write(ca, data, t);
    let early: Wire | undefined;
    const got: Uint8Array[] = [];
    for (let i = 0; i < 200; i++) {
      const fromA = sent(a);
      const fromB = sent(b);
      if (fromA.length === 0 && fromB.length === 0) break;
      early ??= fromA.find((w) => w.seg.payload.length > 0);
      t += 10;
      deliver(b, fromA, t);
      deliver(a, fromB, t);
      got.push(drain(b, cb, t).data);
    }
    const all = Buffer.concat(got);
    expect(all.equals(Buffer.from(data))).toBe(true);
    const st = a.host.status(ca);
    expect(st.ok && ((st.value.sndNxt - (0xffff_ffff - 3000)) >>> 0)).toBe(60_001); // wrapped
    expect(st.ok && st.value.sndNxt < 0x1_0000).toBe(true);
    expect(st.ok && st.value.srtt).not.toBeNull();
    // Every segment after the SYNs carries timestamps.
    const outs = a.trace.filter((e) => e.type === 'segment' && e.dir === 'out');
    expect(outs.every((e) => e.type === 'segment' && e.seg.options.timestamps !== undefined)).toBe(true);

    // An old duplicate from before the wrap, delivered late: its timestamp is older than TS.Recent.
    if (!early) throw new Error('no data segment seen');
    const beforeDrops = b.trace.filter((e) => e.type === 'drop' && e.reason === 'paws').length;
    deliver(b, early, t + 10);
    expect(b.trace.filter((e) => e.type === 'drop' && e.reason === 'paws').length).toBe(beforeDrops + 1);
    expect(one(b).flags).toBe('ACK'); // PAWS answers with an ACK (RFC 7323 §5.3 R1)
    expect(drain(b, cb, t + 11).data.length).toBe(0);
  });
});

describe("Nagle's algorithm (RFC 9293 §3.7.4)", () => {
  it('holds a small write while data is unacknowledged, and sends it once the ACK arrives', () => {
    const { a, b, ca } = connect({ nagle: true });
    a.host.write(ca, bytesOf(10), 100);
    const first = one(a);
    a.host.write(ca, bytesOf(10, 1), 101);
    nothingSent(a); // held: 10 bytes outstanding
    deliver(b, first, 110);
    deliver(a, one(b), 120);
    const second = one(a);
    expect(second.seg.payload).toEqual(bytesOf(10, 1));
  });

  it('sends at once when switched off for the connection', () => {
    const { a, ca } = connect({ nagle: true });
    expect(a.host.setOption(ca, 'nagle', false).ok).toBe(true);
    a.host.write(ca, bytesOf(10), 100);
    one(a);
    a.host.write(ca, bytesOf(10, 1), 101);
    expect(one(a).seg.payload.length).toBe(10);
  });
});

describe('delayed ACK (RFC 9293 §3.8.6.3, RFC 5681 §4.2)', () => {
  it('acknowledges every second full-sized segment at once, and a lone segment on its timer', () => {
    const { a, b, ca, cb } = connect({ delayedAck: true, delayedAckTimeout: 200 });
    a.host.write(ca, bytesOf(1460 * 3), 100);
    const segs = sent(a);
    deliver(b, segs[0]!, 110);
    nothingSent(b);
    deliver(b, segs[1]!, 111);
    expect(one(b).seg.ack).toBe(X + 1 + 2920);
    deliver(b, segs[2]!, 112);
    nothingSent(b);
    expect(b.host.nextDeadline()).toBe(312);
    b.host.poll(311);
    nothingSent(b);
    b.host.poll(312);
    expect(one(b).seg.ack).toBe(X + 1 + 4380);
    expect(timersFired(b, 'delayed-ack')).toBe(1);
    void cb;
  });

  it('acknowledges an out-of-order segment at once', () => {
    const { a, b, ca } = connect({ delayedAck: true });
    a.host.write(ca, bytesOf(1460 * 2), 100);
    const segs = sent(a);
    deliver(b, segs[1]!, 110);
    expect(one(b).seg.ack).toBe(X + 1);
  });

  it('can be switched off per connection', () => {
    const { a, b, ca, cb } = connect({ delayedAck: true });
    b.host.setOption(cb, 'delayedAck', false);
    a.host.write(ca, bytesOf(100), 100);
    deliver(b, one(a), 110);
    expect(one(b).seg.ack).toBe(X + 101);
  });
});

describe('silly window syndrome avoidance (RFC 9293 §3.8.6.2)', () => {
  it('a slow reader never causes small segments or small window increases', () => {
    const { a, b, ca, cb } = connect({ receiveBufferSize: 16_384 });
    const total = 200_000;
    let written = 0;
    let read = 0;
    let t = 100;
    for (let i = 0; i < 5000 && read < total; i++) {
      if (written < total) {
        const w = a.host.write(ca, bytesOf(total - written).subarray(0, total - written), t);
        if (w.ok) written += w.value;
      }
      t = settle(a, b, t, 5);
      // The reader takes 100 bytes at a time.
      const r = b.host.read(cb, 100, t);
      if (r.ok) read += r.value.data.length;
      t = settle(a, b, t, 5);
      const d = a.host.nextDeadline();
      if (d !== null && d <= t + 50) {
        a.host.poll(Math.max(d, t));
        t = Math.max(d, t);
      }
      t += 20;
    }
    expect(read).toBe(total);
    const mss = 1460;
    const dataLens = a.trace.flatMap((e) => (e.type === 'segment' && e.dir === 'out' && e.seg.payload.length > 0 && e.reason !== 'window-probe' ? [e.seg.payload.length] : []));
    const small = dataLens.filter((n) => n < mss && n < 16_384 / 2);
    // Only the very last segment of the stream may be short.
    expect(small.length).toBeLessThanOrEqual(1);
    // Window advertisements: the right edge moves by 0 or by at least min(MSS, buffer/2).
    let edge: number | null = null;
    let tinyMoves = 0;
    for (const e of b.trace) {
      if (e.type !== 'segment' || e.dir !== 'out' || e.seg.flags & 0x02) continue;
      const right = (e.seg.ack + e.seg.window) >>> 0;
      if (edge !== null) {
        const move = (right - edge) | 0;
        if (move > 0 && move < Math.min(mss, 8192)) tinyMoves++;
      }
      edge = right;
    }
    expect(tinyMoves).toBe(0);
  });
});

describe('congestion window trace (RFC 5681)', () => {
  it('reports the initial window, the RTO collapse, slow start and congestion avoidance, with cwnd/ssthresh in the TCB', () => {
    const { a, b, ca, cb } = connect({ ...PROFILES.modern, delayedAck: false, nagle: false, sack: false, timestamps: false });
    const cw = () => a.trace.filter((e): e is Extract<TraceEvent, { type: 'cwnd' }> => e.type === 'cwnd');
    expect(cw().map((e) => [e.reason, e.cwnd])).toEqual([['initial window', 14_600]]); // RFC 6928: 10 segments
    a.host.write(ca, bytesOf(1460), 100);
    one(a); // lost
    const d = a.host.nextDeadline()!;
    a.host.poll(d);
    const rx = one(a);
    expect(cw().at(-1)).toMatchObject({ reason: 'RTO collapse', cwnd: 1460, ssthresh: 2920 });
    deliver(b, rx, d + 5);
    deliver(a, one(b), d + 10);
    expect(cw().at(-1)).toMatchObject({ reason: 'slow start', cwnd: 2920 });
    // cwnd has reached ssthresh: from now on one MSS per window of acknowledged data.
    let t = d + 20;
    for (let round = 0; round < 3; round++) {
      a.host.write(ca, bytesOf(2920), t);
      t = settle(a, b, t);
    }
    drain(b, cb, t);
    const ca1 = cw().filter((e) => e.reason === 'congestion avoidance');
    expect(ca1.map((e) => e.cwnd)).toEqual([4380, 5840]);
    const st = a.host.status(ca);
    expect(st.ok && [st.value.cwnd, st.value.ssthresh]).toEqual([5840, 2920]);
  });
});

describe('the modern profile without loss', () => {
  it('never times out at a low RTT: the delayed ACK (40 ms) stays below the minimum RTO (200 ms)', () => {
    let rtoFired = 0;
    const r = runTransfer({
      seed: 5, settings: PROFILES.modern, clientBytes: 100_001, serverBytes: 30_001, latency: 1,
      trace: (e) => {
        if (e.type === 'timer' && e.timer === 'retransmit' && e.action === 'fired') rtoFired++;
      },
    });
    expect(r.problems).toEqual([]);
    expect(rtoFired).toBe(0);
  });
});
