// LAST-ACK, event by event: both FINs sent, the peer's acknowledged, ours (seq LOCAL_ISS + 1) not yet.
import { describe, expect, it } from 'vitest';
import { lastAck } from '../test-support/fixtures.ts';
import { LOCAL_ISS, RECV, REMOTE_ISS, SEND } from '../test-support/templates.ts';

describe('LAST-ACK (RFC 9293 §3.10.7.4, §3.6)', () => {
  it('the ACK of our FIN deletes the TCB (fifth step)', () => {
    const s = lastAck();
    expect(s.send({ ...SEND, seq: REMOTE_ISS + 2, ack: LOCAL_ISS + 2 })).toEqual([]);
    expect(s.events('state').map((e) => [e.to, e.cause])).toEqual([['CLOSED', 'rcv ACK of FIN / x']]);
  });

  it('our FIN retransmits when its ACK is lost (RFC 6298 §5.4)', () => {
    const s = lastAck();
    expect(s.poll(11 + 999)).toEqual([]);
    expect(s.poll(11 + 1000)).toEqual([{ ...RECV, flags: 'FIN,ACK', ack: REMOTE_ISS + 2 }]);
  });
});
