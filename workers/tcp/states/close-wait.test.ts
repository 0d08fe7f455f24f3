// CLOSE-WAIT, event by event: the peer's FIN (seq REMOTE_ISS + 1) is acknowledged; we may still send.
import { describe, expect, it } from 'vitest';
import { closeWait } from '../test-support/fixtures.ts';
import { RECV, REMOTE_ISS, SEND, text } from '../test-support/templates.ts';

/** Past the peer's FIN. */
const SEND_CW = { ...SEND, seq: REMOTE_ISS + 2 };
const RECV_CW = { ...RECV, ack: REMOTE_ISS + 2 };

describe('CLOSE-WAIT (RFC 9293 §3.10.4, §3.10.7.4)', () => {
  it('SEND still goes out: the half-close leaves our direction open', () => {
    const s = closeWait();
    s.side.host.write(s.conn, text('abc'), 10);
    expect(s.poll(10)).toEqual([{ ...RECV_CW, flags: 'PSH,ACK', len: 3 }]);
  });

  it('CLOSE sends our FIN and enters LAST-ACK', () => {
    const s = closeWait();
    s.side.host.close(s.conn, 10);
    expect(s.poll(10)).toEqual([{ ...RECV_CW, flags: 'FIN,ACK' }]);
    expect(s.state()).toBe('LAST-ACK');
  });

  it('text after the peer’s FIN is ignored (seventh step: “this should not occur”)', () => {
    const s = closeWait();
    expect(s.send({ ...SEND_CW, flags: 'PSH,ACK', payload: text('late') })).toEqual([]);
    expect(s.events('drop').map((e) => e.detail)).toEqual(["data after the peer's FIN ignored in CLOSE-WAIT"]);
  });

  it('an acceptable RST resets the connection: ECONNRESET (second step)', () => {
    const s = closeWait();
    expect(s.send({ ...SEND_CW, ack: 0, flags: 'RST' })).toEqual([]);
    expect(s.events('error').map((e) => e.code)).toEqual(['ECONNRESET']);
  });
});
