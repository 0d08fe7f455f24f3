import { describe, expect, it } from 'vitest';
import { decimate, timeSeries } from './series.ts';
import type { SeqSample } from './series.ts';
import { A, B, B_ISN, A_ISN, handshake, lossAndRetransmit } from './test-fixtures.ts';
import type { TcbSnapshot } from '../../workers/tcp/trace.ts';

describe('timeSeries', () => {
  it('gives the sender’s segments relative to its ISN, and the ACK and window lines', () => {
    const s = timeSeries(lossAndRetransmit().events, `${A}#1`)!;
    expect(s.out.segments.map((x) => [x.t, x.seq, x.end, x.retransmission, x.dropped])).toEqual([
      [0, 0, 1, false, false], // SYN
      [20, 1, 101, false, true],
      [1020, 1, 101, true, false],
    ]);
    expect(s.out.acks.map((x) => [x.t, x.ack, x.right, x.dupAck])).toEqual([
      [10, 1, 65536, false],
      [1030, 101, 65636, false],
      [1031, 101, 65636, false], // a network duplicate, not the receiver's dup ACK
    ]);
    expect(s.in.segments.map((x) => [x.seq, x.end])).toEqual([[0, 1]]); // B's SYN
    expect(s.in.acks.map((x) => x.ack)).toEqual([1, 1, 1]);
    expect([s.t0, s.t1]).toEqual([0, 1031]);
  });

  it('reads cwnd and ssthresh from cwnd events, an unset ssthresh as null', () => {
    const b = handshake();
    b.push({ type: 'cwnd', t: 11, host: A, conn: 1, cwnd: 14600, ssthresh: 0xffffffff, reason: 'initial window' });
    b.push({ type: 'cwnd', t: 50, host: A, conn: 1, cwnd: 29200, ssthresh: 0xffffffff, reason: 'slow start' });
    b.push({ type: 'cwnd', t: 90, host: A, conn: 1, cwnd: 1460, ssthresh: 14600, reason: 'RTO: loss' });
    const s = timeSeries(b.events, `${A}#1`)!;
    expect(s.cwnd.map((x) => [x.t, x.cwnd, x.ssthresh])).toEqual([
      [11, 14600, null],
      [50, 29200, null],
      [90, 1460, 14600],
    ]);
    expect(s.t1).toBe(90);
  });

  it('falls back to TCB snapshots when there are no cwnd events, skipping repeats', () => {
    const b = handshake();
    const tcb = (cwnd: number, ssthresh: number): TcbSnapshot => ({
      state: 'ESTABLISHED', iss: A_ISN, irs: B_ISN, sndUna: A_ISN + 1, sndNxt: A_ISN + 1, sndWnd: 65535, sndWl1: 0, sndWl2: 0,
      rcvNxt: B_ISN + 1, rcvWnd: 65535, sndMss: 1460, rto: 1000, srtt: null, rttvar: null, cwnd, ssthresh,
      sendQueued: 0, recvQueued: 0, timers: {}, retransmits: 0,
    });
    for (const [t, c] of [[11, 2920], [12, 2920], [13, 4380]] as const) b.push({ type: 'tcb', t, host: A, conn: 1, tcb: tcb(c, 65535) });
    const s = timeSeries(b.events, `${A}#1`)!;
    expect(s.cwnd.map((x) => [x.t, x.cwnd, x.ssthresh])).toEqual([
      [11, 2920, 65535],
      [13, 4380, 65535],
    ]);
    expect(s.windows).toEqual([{ t: 11, rcvWnd: 65535, sndWnd: 65535 }]);
  });

  it('is null for an unknown connection', () => {
    expect(timeSeries(handshake().events, `${B}#9`)).toBeNull();
  });
});

describe('decimate', () => {
  const samples = (n: number): SeqSample[] =>
    Array.from({ length: n }, (_, i) => ({ t: i, key: `k${i}`, seq: i * 10, end: i * 10 + 10, retransmission: i === 500, dropped: false }));

  it('keeps short series as they are', () => {
    expect(decimate(samples(10), 100)).toHaveLength(10);
  });

  it('bounds long series, keeping the envelope and every retransmission', () => {
    const out = decimate(samples(100_000), 1000);
    expect(out.length).toBeLessThanOrEqual(1002);
    expect(out.some((s) => s.key === 'k500')).toBe(true);
    expect(out[0]!.seq).toBe(0);
    expect(Math.max(...out.map((s) => s.end))).toBe(1_000_000);
  });
});
