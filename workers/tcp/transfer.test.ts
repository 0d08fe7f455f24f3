// Scenario tests: reliability and flow control (RFC 9293 §3.8, RFC 6298).
import { describe, expect, it } from 'vitest';
import { establishedPair, B_ADDR, bytesOf, deliver, drain, makePair, nothingSent, one, sent, settle } from './test-support/pair.ts';
import type { StackSettings } from './settings.ts';

const X = 1000;
const Y = 5000;

const established = establishedPair;

describe('data transfer', () => {
  it('segments a write into MSS-sized segments, each acknowledged cumulatively', () => {
    const { a, b, ca, cb } = established();
    const data = bytesOf(3000);
    expect(a.host.write(ca, data, 10)).toEqual({ ok: true, value: 3000 });
    const segs = sent(a);
    expect(segs.map((w) => [w.flags, w.seg.seq, w.seg.payload.length])).toEqual([
      ['ACK', X + 1, 1460],
      ['ACK', X + 1461, 1460],
      ['PSH,ACK', X + 2921, 80],
    ]);
    deliver(b, segs, 20);
    expect(sent(b).map((w) => [w.flags, w.seg.ack])).toEqual([
      ['ACK', X + 1461],
      ['ACK', X + 2921],
      ['ACK', X + 3001],
    ]);
    expect(drain(b, cb, 21).data).toEqual(data);
  });

  it('an ACK for data not yet sent is answered with an ACK and dropped (§3.10.7.4)', async () => {
    const { a, ca } = established();
    const { encodePacket } = await import('./wire/packet.ts');
    a.host.input(encodePacket({ src: 0x0a000002, dst: 0x0a000001 }, {
      srcPort: 80, dstPort: 40000, seq: Y + 1, ack: X + 500, flags: 0x10, window: 1000, urgent: 0, options: {}, payload: new Uint8Array(0),
    }), 10);
    const ack = one(a);
    expect([ack.flags, ack.seg.seq, ack.seg.ack]).toEqual(['ACK', X + 1, Y + 1]);
    const st = a.host.status(ca);
    expect(st.ok && st.value.sndUna).toBe(X + 1);
  });
});

describe('retransmission (RFC 6298)', () => {
  it('retransmits a lost segment after the RTO, doubling the timer each time, and takes no RTT sample from it (Karn)', () => {
    const { a, b, ca, cb } = established();
    a.host.write(ca, bytesOf(100), 10);
    const first = one(a); // lost
    expect(a.host.nextDeadline()).toBe(10 + 1000);
    a.host.poll(1010);
    const r1 = one(a);
    expect([r1.seg.seq, r1.seg.payload.length]).toEqual([first.seg.seq, 100]);
    expect(a.host.nextDeadline()).toBe(1010 + 2000); // backed off
    a.host.poll(3010);
    const r2 = one(a);
    expect(r2.seg.seq).toBe(first.seg.seq);
    expect(a.host.nextDeadline()).toBe(3010 + 4000);
    const before = a.host.status(ca);
    deliver(b, r2, 3020);
    deliver(a, one(b), 3030);
    nothingSent(a);
    const st = a.host.status(ca);
    // Karn's rule: the ACK of a retransmitted segment gives no sample (SRTT stays the handshake's 2 ms).
    expect(before.ok && before.value.srtt).toBe(2);
    expect(st.ok && st.value.srtt).toBe(2);
    expect(st.ok && st.value.retransmits).toBe(2);
    expect(a.host.nextDeadline()).toBeNull();
    expect(drain(b, cb, 3040).data).toEqual(bytesOf(100));
  });

  it('measures RTT from a segment sent once and sets RTO = SRTT + 4·RTTVAR, floored at the minimum', () => {
    const { a, b, ca } = established({ minRto: 200 });
    // The handshake gave the first sample: R=2 → SRTT=2, RTTVAR=1, RTO floored at 200.
    const first = a.host.status(ca);
    expect(first.ok && [first.value.srtt, first.value.rttvar, first.value.rto]).toEqual([2, 1, 200]);
    a.host.write(ca, bytesOf(10), 100);
    deliver(b, one(a), 400);
    deliver(a, one(b), 700);
    // R=600: RTTVAR = 3/4·1 + 1/4·598 = 150.25; SRTT = 7/8·2 + 1/8·600 = 76.75; RTO = 76.75 + 4·150.25 = 677.75.
    const st = a.host.status(ca);
    expect(st.ok && st.value.rttvar).toBeCloseTo(150.25);
    expect(st.ok && st.value.srtt).toBeCloseTo(76.75);
    expect(st.ok && st.value.rto).toBeCloseTo(677.75);
  });

  it('gives up after dataRetries retransmissions with ETIMEDOUT', () => {
    const { a, ca } = established({ dataRetries: 3 });
    a.host.write(ca, bytesOf(10), 10);
    one(a);
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const d = a.host.nextDeadline();
      if (d === null) break;
      a.host.poll(d);
      if (sent(a).length) times.push(d);
    }
    expect(times).toEqual([1010, 3010, 7010]);
    const r = a.host.read(ca, 1, 20000);
    expect(!r.ok && r.error.code).toBe('ETIMEDOUT');
  });

  it('after a timeout, each partial ACK retransmits the next lost segment at once', () => {
    const { a, b, ca, cb } = established();
    a.host.write(ca, bytesOf(1460 * 3), 10);
    const segs = sent(a); // all three lost
    expect(segs).toHaveLength(3);
    a.host.poll(1010);
    const r1 = one(a);
    expect(r1.seg.seq).toBe(X + 1);
    deliver(b, r1, 1020);
    deliver(a, one(b), 1030);
    const r2 = one(a);
    expect(r2.seg.seq).toBe(X + 1461);
    deliver(b, r2, 1040);
    deliver(a, one(b), 1050);
    const r3 = one(a);
    expect(r3.seg.seq).toBe(X + 2921);
    deliver(b, r3, 1060);
    deliver(a, one(b), 1070);
    nothingSent(a);
    expect(drain(b, cb, 1080).data).toEqual(bytesOf(1460 * 3));
  });
});

describe('out-of-order reassembly (§3.10.7.4 seventh step)', () => {
  it('holds later segments, sends duplicate ACKs, and delivers all once the hole fills', () => {
    const { a, b, ca, cb } = established();
    const data = bytesOf(1460 * 4);
    a.host.write(ca, data, 10);
    const segs = sent(a);
    expect(segs).toHaveLength(4);
    deliver(b, [segs[3]!, segs[1]!, segs[2]!], 20);
    const dups = sent(b);
    expect(dups.map((w) => w.seg.ack)).toEqual([X + 1, X + 1, X + 1]);
    expect(b.trace.filter((e) => e.type === 'segment' && e.dir === 'out' && e.reason === 'dup-ack')).toHaveLength(3);
    expect(b.host.readable(cb)).toBe(0);
    deliver(b, segs[0]!, 30);
    expect(one(b).seg.ack).toBe(X + 1 + 1460 * 4);
    expect(drain(b, cb, 31).data).toEqual(data);
  });

  it('drops duplicate data and acknowledges RCV.NXT', () => {
    const { a, b, ca, cb } = established();
    a.host.write(ca, bytesOf(500), 10);
    const seg = one(a);
    deliver(b, seg, 20);
    one(b);
    deliver(b, seg, 30);
    expect(one(b).seg.ack).toBe(X + 501);
    expect(drain(b, cb, 31).data.length).toBe(500);
  });
});

describe('flow control: zero window and the persist timer (§3.8.6.1)', () => {
  it('fills the receiver, probes the zero window with one byte, and resumes when the reader frees space', () => {
    // Three full segments fill B's buffer exactly, so its window falls to 0.
    const { a, b, ca, cb } = established({}, { receiveBufferSize: 1460 * 3 });
    const data = bytesOf(10_000);
    expect(a.host.write(ca, data, 10)).toEqual({ ok: true, value: 10_000 });
    let t = settle(a, b, 10);
    const wnds = b.trace.flatMap((e) => (e.type === 'segment' && e.dir === 'out' ? [e.seg.window] : []));
    expect(wnds.at(-1)).toBe(0);
    expect(b.host.readable(cb)).toBe(4380);
    // Nothing in flight, data waiting: the persist timer runs.
    const st = a.host.status(ca);
    expect(st.ok && st.value.timers.persist).toBeTypeOf('number');
    const d = a.host.nextDeadline()!;
    a.host.poll(d);
    const probe = one(a);
    expect(probe.seg.payload.length).toBe(1);
    expect(a.trace.some((e) => e.type === 'segment' && e.reason === 'window-probe')).toBe(true);
    deliver(b, probe, d + 10);
    const answer = one(b);
    expect([answer.seg.window, answer.seg.ack]).toEqual([0, X + 1 + 4380]); // still shut: the byte was not taken
    deliver(a, answer, d + 20);
    nothingSent(a);
    // The next probe repeats the same octet, later (the persist interval backs off), and no
    // retransmission timer runs beside it.
    const d2 = a.host.nextDeadline()!;
    const st2 = a.host.status(ca);
    if (!st2.ok) throw new Error('no status');
    expect(d2 - d).toBe(2 * st2.value.rto); // the persist interval doubled after the first probe
    expect(st2.value.timers.retransmit).toBeUndefined();
    a.host.poll(d2);
    const probe2 = one(a);
    expect([probe2.seg.seq, probe2.seg.payload.length]).toEqual([probe.seg.seq, 1]);
    deliver(b, probe2, d2 + 10);
    deliver(a, one(b), d2 + 20);
    // The reader drains: a window update reopens the flow.
    t = d2 + 30;
    const got: Uint8Array[] = [];
    for (let i = 0; i < 50 && got.reduce((n, c) => n + c.length, 0) < 10_000; i++) {
      got.push(drain(b, cb, t).data);
      t = settle(a, b, t);
      const dl = a.host.nextDeadline();
      if (b.host.readable(cb) === 0 && dl !== null) {
        a.host.poll(dl);
        t = Math.max(t, dl);
      }
    }
    got.push(drain(b, cb, t).data);
    const all = new Uint8Array(got.reduce((n, c) => n + c.length, 0));
    let o = 0;
    for (const c of got) {
      all.set(c, o);
      o += c.length;
    }
    expect(all).toEqual(data);
    expect(b.trace.some((e) => e.type === 'segment' && e.reason === 'window-update')).toBe(true);
  });

  it('the receiver never shrinks its window: the right edge only moves right (§3.8.6.2.2)', () => {
    const { a, b, ca, cb } = established({}, { receiveBufferSize: 8192 });
    let right = 0;
    let violations = 0;
    const data = bytesOf(50_000);
    let written = 0;
    let t = 10;
    for (let i = 0; i < 200 && written < data.length; i++) {
      const w = a.host.write(ca, data.subarray(written), t);
      if (w.ok) written += w.value;
      t = settle(a, b, t);
      if (i % 3 === 0) drain(b, cb, t);
      const dl = a.host.nextDeadline();
      if (dl !== null && dl <= t + 1) a.host.poll(dl);
    }
    for (const e of b.trace) {
      if (e.type === 'segment' && e.dir === 'out' && (e.seg.flags & 0x10) && !(e.seg.flags & 0x02)) {
        const edge = (e.seg.ack + e.seg.window) >>> 0;
        if (right !== 0 && ((edge - right) | 0) < 0) violations++;
        right = edge;
      }
    }
    expect(violations).toBe(0);
  });

  it('sends a segment smaller than the MSS only when the override timeout fires (sender SWS avoidance)', () => {
    const { a, b, ca, cb } = established({}, { receiveBufferSize: 4096 });
    a.host.write(ca, bytesOf(10_000), 10);
    const t = settle(a, b, 10);
    // B offered 4096: two full segments went, 1176 bytes of window remain; a 1176-byte segment would be silly.
    const lens = a.trace.flatMap((e) => (e.type === 'segment' && e.dir === 'out' && e.seg.payload.length > 0 ? [e.seg.payload.length] : []));
    expect(lens).toEqual([1460, 1460]);
    const d = a.host.nextDeadline()!;
    expect(d).toBeGreaterThan(t);
    a.host.poll(d);
    expect(one(a).seg.payload.length).toBe(1176);
    void cb;
  });
});
