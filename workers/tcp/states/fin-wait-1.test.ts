// FIN-WAIT-1, event by event: we closed at t=10, our FIN (seq LOCAL_ISS + 1) is unacknowledged.
import { describe, expect, it } from 'vitest';
import { finWait1 } from '../test-support/fixtures.ts';
import { LOCAL_ISS, RECV, REMOTE_ISS, SEND } from '../test-support/templates.ts';
import { Flag } from '../wire/types.ts';

/** Our pure ACK once our FIN is out: SND.NXT is past it. */
const RECV_AFTER_FIN = { ...RECV, seq: LOCAL_ISS + 2 };

describe('FIN-WAIT-1 (RFC 9293 §3.10.7.4, §3.6)', () => {
  it('the ACK of our FIN enters FIN-WAIT-2 (fifth step)', () => {
    const s = finWait1();
    expect(s.send({ ...SEND, ack: LOCAL_ISS + 2 })).toEqual([]);
    expect(s.state()).toBe('FIN-WAIT-2');
  });

  it('a FIN that does not acknowledge ours: the FINs crossed, ACK it and enter CLOSING (eighth step, Figure 13)', () => {
    const s = finWait1();
    expect(s.send({ ...SEND, flags: 'FIN,ACK' })).toEqual([{ ...RECV_AFTER_FIN, ack: REMOTE_ISS + 2 }]);
    expect(s.state()).toBe('CLOSING');
  });

  it('a FIN,ACK that acknowledges our FIN passes FIN-WAIT-2 on its way to TIME-WAIT (ACK before FIN)', () => {
    const s = finWait1();
    expect(s.send({ ...SEND, ack: LOCAL_ISS + 2, flags: 'FIN,ACK' })).toEqual([{ ...RECV_AFTER_FIN, ack: REMOTE_ISS + 2 }]);
    expect(s.events('state').map((e) => e.to)).toEqual(['FIN-WAIT-2', 'TIME-WAIT']);
  });

  it('the FIN retransmits when its ACK is lost (RFC 6298 §5.4)', () => {
    const s = finWait1();
    expect(s.poll(10 + 999)).toEqual([]);
    expect(s.poll(10 + 1000)).toEqual([{ ...RECV, flags: 'FIN,ACK' }]);
    expect(s.events('segment').some((e) => e.dir === 'out' && e.reason === 'retransmit' && e.seg.flags & Flag.FIN)).toBe(true);
  });
});
