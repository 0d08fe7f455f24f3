// TIME-WAIT, event by event: both FINs are acknowledged; the 2MSL timer runs from t=12.
import { describe, expect, it } from 'vitest';
import { timeWait } from '../test-support/fixtures.ts';
import { LOCAL_ISS, RECV, REMOTE_ISS, SEND } from '../test-support/templates.ts';
import { PROFILES } from '../settings.ts';

const MSL = PROFILES.textbook.msl;

describe('TIME-WAIT (RFC 9293 §3.6.1, §3.10.7.4)', () => {
  it('a retransmitted FIN is acknowledged again and the 2MSL timer restarts', () => {
    const s = timeWait();
    expect(s.send({ ...SEND, ack: LOCAL_ISS + 2, flags: 'FIN,ACK' }, 100)).toEqual([{ ...RECV, seq: LOCAL_ISS + 2, ack: REMOTE_ISS + 2 }]);
    expect(s.side.host.nextDeadline()).toBe(100 + 2 * MSL);
    expect(s.events('drop').map((e) => e.reason)).toEqual(['old-duplicate']);
  });

  it('the 2MSL timeout deletes the TCB (§3.10.8)', () => {
    const s = timeWait();
    expect(s.poll(12 + 2 * MSL - 1)).toEqual([]);
    expect(s.state()).toBe('TIME-WAIT');
    expect(s.poll(12 + 2 * MSL)).toEqual([]);
    expect(s.events('state').map((e) => [e.to, e.cause])).toEqual([['CLOSED', 'Timeout=2MSL / delete TCB']]);
  });

  it('an acceptable RST enters CLOSED (second step)', () => {
    const s = timeWait();
    expect(s.send({ ...SEND, seq: REMOTE_ISS + 2, ack: 0, flags: 'RST' })).toEqual([]);
    expect(s.events('state').map((e) => [e.to, e.cause])).toEqual([['CLOSED', 'rcv RST / delete TCB']]);
  });
});
