// ESTABLISHED, loss detection by ACKs (RFC 5681 §2–3.2, RFC 6675 §2 and §5): A has ten segments of
// 1000 bytes in flight (congestion control on, initial window 10, the peer's MSS 1000); the test's
// peer answers them, and the first is lost.
import { describe, expect, it } from 'vitest';
import { established, type Tcb } from '../test-support/fixtures.ts';
import { LOCAL_ISS, REMOTE_ISS, SEND, text } from '../test-support/templates.ts';

const CC = { congestionControl: true };
const FLIGHT = 10_000;

/** Established with SACK agreed (or not), ten segments sent at t=3. */
function inFlight(sack: boolean): Tcb {
  const s = established({ ...CC, sack }, { mss: 1000, ...(sack ? { sackPermitted: true } : {}) });
  s.side.host.write(s.conn, new Uint8Array(FLIGHT), 3);
  expect(s.poll(3)).toHaveLength(10);
  return s;
}

/** SACK of segments [from, to) (0-based) of the flight. */
const sacked = (from: number, to: number) => ({ sackBlocks: [{ left: LOCAL_ISS + 1 + from * 1000, right: LOCAL_ISS + 1 + to * 1000 }] });
const fastRetransmits = (s: Tcb) => s.events('segment').filter((e) => e.dir === 'out' && e.reason === 'fast-retransmit').map((e) => [e.seg.seq, e.seg.payload.length]);

describe('ESTABLISHED: fast retransmit with SACK (RFC 6675)', () => {
  it('IsLost (§4): one ACK SACKing more than (DupThresh−1)·SMSS above SND.UNA starts recovery, though it changes the window and carries data (§2)', () => {
    const s = inFlight(true);
    s.send({ ...SEND, flags: 'PSH,ACK', window: 60_000, options: sacked(1, 4), payload: text('x') }, 10);
    expect(fastRetransmits(s)).toEqual([[LOCAL_ISS + 1, 1000]]);
  });

  it('DupThresh (§5): the third ACK with new SACK information counts, whatever its window and data', () => {
    const s = inFlight(true);
    s.send({ ...SEND, flags: 'PSH,ACK', window: 64_000, options: sacked(1, 2), payload: text('a') }, 10);
    s.send({ ...SEND, seq: REMOTE_ISS + 2, flags: 'PSH,ACK', window: 63_000, options: sacked(1, 3), payload: text('b') }, 11);
    expect(fastRetransmits(s)).toEqual([]);
    s.send({ ...SEND, seq: REMOTE_ISS + 3, flags: 'PSH,ACK', window: 62_000, options: sacked(1, 4), payload: text('c') }, 12);
    expect(fastRetransmits(s)).toEqual([[LOCAL_ISS + 1, 1000]]);
  });

  it('an ACK that repeats known SACK information is not a duplicate (§2: it must SACK new octets)', () => {
    const s = inFlight(true);
    for (let i = 0; i < 3; i++) s.send({ ...SEND, seq: REMOTE_ISS + 1 + i, flags: 'PSH,ACK', window: 64_000 - i, options: sacked(1, 2), payload: text('z') }, 10 + i);
    expect(fastRetransmits(s)).toEqual([]);
  });
});

describe('ESTABLISHED: fast retransmit without SACK (RFC 5681 §2–3.2)', () => {
  it('three ACKs that change the window are not duplicates (§2 condition e): no fast retransmit', () => {
    const s = inFlight(false);
    for (let i = 0; i < 3; i++) s.send({ ...SEND, window: 64_000 - i }, 10 + i);
    expect(fastRetransmits(s)).toEqual([]);
  });

  it('three true duplicate ACKs retransmit SND.UNA (§3.2)', () => {
    const s = inFlight(false);
    for (let i = 0; i < 3; i++) s.send({ ...SEND }, 10 + i);
    expect(fastRetransmits(s)).toEqual([[LOCAL_ISS + 1, 1000]]);
  });
});

describe('ESTABLISHED: replies to zero-window probes are not duplicate ACKs (RFC 5681 §2, RFC 9293 §3.8.6.1)', () => {
  for (const sack of [false, true]) {
    it(`a zero-window episode with four probes causes no fast retransmit and no cwnd cut (${sack ? 'SACK' : 'NewReno'})`, () => {
      const s = established({ ...CC, sack }, { mss: 1000, ...(sack ? { sackPermitted: true } : {}) });
      s.side.host.write(s.conn, new Uint8Array(FLIGHT + 5000), 3);
      s.poll(3);
      s.send({ ...SEND, ack: LOCAL_ISS + 1 + FLIGHT, window: 0 }, 10); // all taken, the window shuts
      const cwnd = s.side.host.status(s.conn);
      let t = 10;
      for (let probe = 0; probe < 4; probe++) {
        t = s.side.host.nextDeadline()!;
        expect(s.poll(t).map((w) => w.len)).toEqual([1]); // the persist timer's one-byte probe
        s.send({ ...SEND, ack: LOCAL_ISS + 1 + FLIGHT, window: 0 }, t + 5); // refused: the window is still 0
      }
      s.send({ ...SEND, ack: LOCAL_ISS + 1 + FLIGHT, window: 65_535 }, t + 10); // the window opens
      expect(fastRetransmits(s)).toEqual([]);
      expect(s.events('cwnd').map((e) => e.reason)).not.toContain('fast recovery entered');
      const after = s.side.host.status(s.conn);
      expect(after.ok && cwnd.ok && after.value.cwnd).toBeGreaterThanOrEqual(cwnd.ok ? cwnd.value.cwnd : Infinity);
    });
  }
});
