// FIN-WAIT-2, event by event: our FIN is acknowledged; the peer may still send.
import { describe, expect, it } from 'vitest';
import { finWait2 } from '../test-support/fixtures.ts';
import { LOCAL_ISS, RECV, REMOTE_ISS, SEND, text } from '../test-support/templates.ts';
import { PROFILES } from '../settings.ts';

const MSL = PROFILES.textbook.msl;
/** The peer's segments acknowledge our FIN; our ACKs come from past it. */
const SEND_FW2 = { ...SEND, ack: LOCAL_ISS + 2 };
const RECV_FW2 = { ...RECV, seq: LOCAL_ISS + 2 };

describe('FIN-WAIT-2 (RFC 9293 §3.10.7.4, §3.6)', () => {
  it('the peer’s FIN is acknowledged and enters TIME-WAIT with the 2MSL timer (eighth step)', () => {
    const s = finWait2();
    expect(s.send({ ...SEND_FW2, flags: 'FIN,ACK' })).toEqual([{ ...RECV_FW2, ack: REMOTE_ISS + 2 }]);
    expect(s.state()).toBe('TIME-WAIT');
    expect(s.side.host.nextDeadline()).toBe(11 + 2 * MSL);
  });

  it('text still arrives and is acknowledged (seventh step: FIN-WAIT-2 receives; after close() it is discarded)', () => {
    const s = finWait2();
    expect(s.send({ ...SEND_FW2, flags: 'PSH,ACK', payload: text('abc') })).toEqual([{ ...RECV_FW2, ack: REMOTE_ISS + 4 }]);
    expect(s.events('deliver').map((e) => e.bytes)).toEqual([3]);
    expect(s.side.host.status(s.conn)).toMatchObject({ ok: true, value: { recvQueued: 0 } });
  });
});
