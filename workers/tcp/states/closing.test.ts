// CLOSING, event by event: the FINs crossed; ours is not acknowledged yet.
import { describe, expect, it } from 'vitest';
import { closing } from '../test-support/fixtures.ts';
import { LOCAL_ISS, SEND } from '../test-support/templates.ts';

describe('CLOSING (RFC 9293 §3.10.7.4, Figure 13)', () => {
  it('the ACK of our FIN enters TIME-WAIT (fifth step)', () => {
    const s = closing();
    expect(s.send({ ...SEND, seq: SEND.seq + 1, ack: LOCAL_ISS + 2 })).toEqual([]);
    expect(s.events('state').map((e) => [e.to, e.cause])).toEqual([['TIME-WAIT', 'rcv ACK of FIN / x']]);
  });

  it('an acceptable RST enters CLOSED (second step: CLOSING, LAST-ACK, TIME-WAIT)', () => {
    const s = closing();
    expect(s.send({ ...SEND, seq: SEND.seq + 1, ack: 0, flags: 'RST' })).toEqual([]);
    expect(s.events('state').map((e) => [e.to, e.cause])).toEqual([['CLOSED', 'rcv RST / delete TCB']]);
  });
});
