// SYN-RECEIVED, event by event: a passive open on port 80 answered the peer's SYN (seq REMOTE_ISS).
import { describe, expect, it } from 'vitest';
import { synReceived } from '../test-support/fixtures.ts';
import { LOCAL_ISS, REMOTE_ISS, SEND } from '../test-support/templates.ts';

describe('SYN-RECEIVED (RFC 9293 §3.10.7.4)', () => {
  it('the ACK of our SYN,ACK enters ESTABLISHED (fifth step)', () => {
    const s = synReceived();
    expect(s.send({ ...SEND })).toEqual([]);
    expect(s.state()).toBe('ESTABLISHED');
  });

  it('an ACK that does not acknowledge our SYN,ACK gets an RST with seq = SEG.ACK (fifth step)', () => {
    const s = synReceived();
    expect(s.send({ ...SEND, ack: LOCAL_ISS + 9 })).toEqual([{ flags: 'RST', seq: LOCAL_ISS + 9, ack: 0, len: 0 }]);
    expect(s.state()).toBe('SYN-RECEIVED');
  });

  it('a retransmitted SYN means our SYN,ACK was lost: send it again (§3.5)', () => {
    const s = synReceived();
    expect(s.send({ seq: REMOTE_ISS, ack: 0, flags: 'SYN' })).toEqual([{ flags: 'SYN,ACK', seq: LOCAL_ISS, ack: REMOTE_ISS + 1, len: 0 }]);
    expect(s.state()).toBe('SYN-RECEIVED');
  });

  it('an RST returns a passive connection to LISTEN, and nobody is told (second step, Figure 5 note 1)', () => {
    const s = synReceived();
    expect(s.send({ seq: REMOTE_ISS + 1, ack: 0, flags: 'RST' })).toEqual([]);
    expect(s.events('state').map((e) => e.to)).toEqual(['LISTEN']);
    expect(s.side.trace.flatMap((e) => (e.type === 'state' ? [e.to] : []))).toEqual(['LISTEN', 'SYN-RECEIVED', 'LISTEN']);
    expect(s.side.host.listening).toEqual([80]);
    expect(s.side.host.connections()).toEqual([]);
    expect(s.side.host.accept(80)).toEqual({ ok: true, value: null });
  });

  it('a new SYN in the window returns a passive connection to LISTEN (fourth step)', () => {
    const s = synReceived();
    expect(s.send({ seq: REMOTE_ISS + 5, ack: 0, flags: 'SYN' })).toEqual([]);
    expect(s.events('state').map((e) => [e.to, e.cause])).toEqual([['LISTEN', 'rcv SYN']]);
  });
});
