// SYN-SENT, event by event (RFC 9293 §3.10.7.3): our SYN (seq LOCAL_ISS) is out, the test is the peer.
import { describe, expect, it } from 'vitest';
import { synSent } from '../test-support/fixtures.ts';
import { LOCAL_ISS, RECV, REMOTE_ISS, text } from '../test-support/templates.ts';

describe('SYN-SENT (RFC 9293 §3.10.7.3)', () => {
  it('a SYN,ACK that acknowledges our SYN: ACK it and enter ESTABLISHED (fourth step)', () => {
    const s = synSent();
    expect(s.send({ seq: REMOTE_ISS, ack: LOCAL_ISS + 1, flags: 'SYN,ACK' })).toEqual([{ ...RECV }]);
    expect(s.state()).toBe('ESTABLISHED');
  });

  it('an ACK outside ISS < SEG.ACK ≤ SND.NXT: answer RST with seq = SEG.ACK, stay in SYN-SENT (first step)', () => {
    const s = synSent();
    expect(s.send({ seq: REMOTE_ISS, ack: LOCAL_ISS + 50, flags: 'SYN,ACK' })).toEqual([{ flags: 'RST', seq: LOCAL_ISS + 50, ack: 0, len: 0 }]);
    expect(s.state()).toBe('SYN-SENT');
    expect(s.events('drop').map((e) => e.detail)).toEqual([`ACK ${LOCAL_ISS + 50} does not acknowledge our SYN (ISS ${LOCAL_ISS})`]);
  });

  it('an RST,ACK that acknowledges our SYN: connection refused, CLOSED (second step)', () => {
    const s = synSent();
    expect(s.send({ seq: 0, ack: LOCAL_ISS + 1, flags: 'RST,ACK' })).toEqual([]);
    expect(s.state()).toBe('CLOSED');
    expect(s.events('error').map((e) => e.code)).toEqual(['ECONNREFUSED']);
  });

  it('an RST without ACK is ignored (second step; RFC 5961 §3.2)', () => {
    const s = synSent();
    expect(s.send({ seq: REMOTE_ISS, ack: 0, flags: 'RST' })).toEqual([]);
    expect(s.state()).toBe('SYN-SENT');
    expect(s.events('drop').map((e) => [e.reason, e.detail])).toEqual([['rst-ignored', 'RST without ACK in SYN-SENT']]);
  });

  it('a SYN without ACK is a simultaneous open: SYN,ACK and SYN-RECEIVED (§3.5 Figure 8)', () => {
    const s = synSent();
    expect(s.send({ seq: REMOTE_ISS, ack: 0, flags: 'SYN' })).toEqual([{ flags: 'SYN,ACK', seq: LOCAL_ISS, ack: REMOTE_ISS + 1, len: 0 }]);
    expect(s.state()).toBe('SYN-RECEIVED');
  });

  it('neither SYN nor RST: the segment is dropped (fifth step of §3.10.7.3)', () => {
    const s = synSent();
    expect(s.send({ seq: REMOTE_ISS, ack: LOCAL_ISS + 1, flags: 'ACK' })).toEqual([]);
    expect(s.events('drop').map((e) => e.detail)).toEqual(['neither SYN nor RST in SYN-SENT']);
  });

  it('the SYN retransmits when the retransmission timer fires (RFC 6298 §5.4)', () => {
    const s = synSent();
    expect(s.poll(999)).toEqual([]);
    expect(s.poll(1000)).toEqual([{ flags: 'SYN', seq: LOCAL_ISS, ack: 0, len: 0 }]);
  });
});

describe('SYN-SENT: user calls (§3.10.5)', () => {
  it('ABORT sends nothing (the peer has no state) and deletes the TCB', () => {
    const s = synSent();
    s.side.host.abort(s.conn, 2);
    expect(s.poll(2)).toEqual([]);
    expect(s.state()).toBe('CLOSED');
  });
});

describe('SYN-SENT: data queued before the SYN,ACK (§3.10.7.3)', () => {
  it('the first flight carries the ACK of the SYN,ACK: no pure ACK before or after it', () => {
    const s = synSent();
    s.side.host.write(s.conn, text('hello'), 1);
    expect(s.send({ seq: REMOTE_ISS, ack: LOCAL_ISS + 1, flags: 'SYN,ACK' }, 2)).toEqual([{ ...RECV, flags: 'PSH,ACK', len: 5 }]);
  });
});
