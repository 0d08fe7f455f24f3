// ESTABLISHED, event by event (RFC 9293 §3.10.7.4): A (ISS LOCAL_ISS) is synchronized with the
// test's peer (ISS REMOTE_ISS); nothing sent or received yet.
import { describe, expect, it } from 'vitest';
import { established } from '../test-support/fixtures.ts';
import { LOCAL_ISS, RECV, REMOTE_ISS, SEND, text } from '../test-support/templates.ts';

describe('ESTABLISHED: segment text and acceptability (§3.10.7.4 first and seventh steps)', () => {
  it('in-order text is delivered and acknowledged (textbook profile: at once)', () => {
    const s = established();
    expect(s.send({ ...SEND, flags: 'PSH,ACK', payload: text('hello') })).toEqual([{ ...RECV, ack: REMOTE_ISS + 6 }]);
    expect(s.events('deliver').map((e) => e.bytes)).toEqual([5]);
  });

  it('an old duplicate (all before RCV.NXT) is unacceptable: ACK, drop', () => {
    const s = established();
    expect(s.send({ ...SEND, seq: REMOTE_ISS - 10, flags: 'PSH,ACK', payload: text('stale') })).toEqual([{ ...RECV }]);
    expect(s.events('drop').map((e) => e.reason)).toEqual(['unacceptable']);
  });

  it('an out-of-order segment gets an immediate duplicate ACK; the segment that fills the hole, a cumulative ACK (RFC 5681 §4.2)', () => {
    const s = established();
    expect(s.send({ ...SEND, seq: REMOTE_ISS + 11, flags: 'PSH,ACK', payload: text('world') })).toEqual([{ ...RECV }]);
    expect(s.send({ ...SEND, flags: 'PSH,ACK', payload: text('0123456789') })).toEqual([{ ...RECV, ack: REMOTE_ISS + 16 }]);
  });

  it('an ACK of data not yet sent gets an ACK and is dropped (fifth step)', () => {
    const s = established();
    expect(s.send({ ...SEND, ack: LOCAL_ISS + 100 })).toEqual([{ ...RECV }]);
    expect(s.events('drop').map((e) => e.detail)).toEqual([`ACK ${LOCAL_ISS + 100} acknowledges data not yet sent (SND.NXT ${LOCAL_ISS + 1})`]);
  });

  it('a FIN is acknowledged and enters CLOSE-WAIT (eighth step)', () => {
    const s = established();
    expect(s.send({ ...SEND, flags: 'FIN,ACK' })).toEqual([{ ...RECV, ack: REMOTE_ISS + 2 }]);
    expect(s.state()).toBe('CLOSE-WAIT');
  });
});

describe('ESTABLISHED: resets and SYNs (second and fourth steps, RFC 5961 §3–4)', () => {
  it('an RST with seq = RCV.NXT resets the connection: ECONNRESET', () => {
    const s = established();
    expect(s.send({ ...SEND, ack: 0, flags: 'RST' })).toEqual([]);
    expect(s.state()).toBe('CLOSED');
    const r = s.side.host.read(s.conn, 10, 3);
    expect(!r.ok && r.error.code).toBe('ECONNRESET');
  });

  it('an in-window RST with the wrong sequence number gets a challenge ACK and changes nothing', () => {
    const s = established();
    expect(s.send({ ...SEND, seq: REMOTE_ISS + 1 + 100, ack: 0, flags: 'RST', window: 0 })).toEqual([{ ...RECV }]);
    expect(s.state()).toBe('ESTABLISHED');
    expect(s.events('segment').some((e) => e.dir === 'out' && e.reason === 'challenge-ack')).toBe(true);
  });

  it('an RST outside the window is dropped silently', () => {
    const s = established();
    expect(s.send({ ...SEND, seq: REMOTE_ISS + 1 + 10_000_000, ack: 0, flags: 'RST', window: 0 })).toEqual([]);
    expect(s.state()).toBe('ESTABLISHED');
  });

  it('a SYN gets a challenge ACK (RFC 5961 §4)', () => {
    const s = established();
    expect(s.send({ ...SEND, ack: 0, flags: 'SYN', window: 1000 })).toEqual([{ ...RECV }]);
    expect(s.state()).toBe('ESTABLISHED');
  });
});

describe('ESTABLISHED: user calls (§3.10.2, §3.10.4, §3.10.5)', () => {
  it('SEND goes out at once with PSH (no Nagle in the textbook profile)', () => {
    const s = established();
    s.side.host.write(s.conn, text('abc'), 3);
    expect(s.poll(3)).toEqual([{ ...RECV, flags: 'PSH,ACK', len: 3 }]);
  });

  it('CLOSE sends our FIN at SND.NXT and enters FIN-WAIT-1', () => {
    const s = established();
    s.side.host.close(s.conn, 3);
    expect(s.poll(3)).toEqual([{ ...RECV, flags: 'FIN,ACK' }]);
    expect(s.state()).toBe('FIN-WAIT-1');
  });

  it('ABORT sends an RST with seq = SND.NXT and deletes the TCB', () => {
    const s = established();
    s.side.host.abort(s.conn, 3);
    expect(s.poll(3)).toEqual([{ flags: 'RST', seq: LOCAL_ISS + 1, ack: 0, len: 0 }]);
    expect(s.state()).toBe('CLOSED');
  });
});

describe('ESTABLISHED with delayed ACK: when the ACK may not wait (RFC 5681 §4.2)', () => {
  const DELAYED = { delayedAck: true };

  it('a lone in-order segment waits for the delayed-ACK timer', () => {
    const s = established(DELAYED);
    expect(s.send({ ...SEND, flags: 'PSH,ACK', payload: text('hello') })).toEqual([]);
    expect(s.poll(s.now + 200)).toEqual([{ ...RECV, ack: REMOTE_ISS + 6 }]);
  });

  it('an out-of-order segment gets an immediate duplicate ACK', () => {
    const s = established(DELAYED);
    expect(s.send({ ...SEND, seq: REMOTE_ISS + 11, flags: 'PSH,ACK', payload: text('world') })).toEqual([{ ...RECV }]);
  });

  it('the segment that fills the whole gap is acknowledged at once, not delayed', () => {
    const s = established(DELAYED);
    s.send({ ...SEND, seq: REMOTE_ISS + 11, flags: 'PSH,ACK', payload: text('world') });
    expect(s.send({ ...SEND, flags: 'PSH,ACK', payload: text('0123456789') })).toEqual([{ ...RECV, ack: REMOTE_ISS + 16 }]);
  });

  it('a segment that fills part of the gap is acknowledged at once', () => {
    const s = established(DELAYED);
    s.send({ ...SEND, seq: REMOTE_ISS + 11, flags: 'PSH,ACK', payload: text('world') });
    expect(s.send({ ...SEND, flags: 'PSH,ACK', payload: text('01234') })).toEqual([{ ...RECV, ack: REMOTE_ISS + 6 }]);
  });
});
