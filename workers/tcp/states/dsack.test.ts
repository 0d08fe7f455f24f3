// ESTABLISHED with SACK agreed: duplicate data is reported with a D-SACK block (RFC 2883 §4), the
// first SACK block of the ACK it gets, once.
import { describe, expect, it } from 'vitest';
import { established, type Tcb } from '../test-support/fixtures.ts';
import { RECV, REMOTE_ISS, SEND, text } from '../test-support/templates.ts';

const sackOn = () => established({ sack: true }, { sackPermitted: true });
/** The SACK blocks of the last segment we sent, relative to the peer's ISS. */
const lastBlocks = (s: Tcb) => {
  const out = s.events('segment').filter((e) => e.dir === 'out');
  return (out.at(-1)!.seg.options.sackBlocks ?? []).map((b) => [b.left - REMOTE_ISS, b.right - REMOTE_ISS]);
};

describe('ESTABLISHED: D-SACK (RFC 2883 §4)', () => {
  it('a segment received twice: the ACK of the copy carries its range as the first block (§4.1.1), and only that ACK', () => {
    const s = sackOn();
    s.send({ ...SEND, flags: 'PSH,ACK', payload: text('hello') });
    expect(s.send({ ...SEND, flags: 'PSH,ACK', payload: text('hello') })).toEqual([{ ...RECV, ack: REMOTE_ISS + 6 }]);
    expect(lastBlocks(s)).toEqual([[1, 6]]);
    s.send({ ...SEND, seq: REMOTE_ISS + 6, flags: 'PSH,ACK', payload: text('!') });
    expect(lastBlocks(s)).toEqual([]);
  });

  it('a segment partly received before: the duplicate part is D-SACKed, the rest taken (§4.1.2)', () => {
    const s = sackOn();
    s.send({ ...SEND, flags: 'PSH,ACK', payload: text('hello') });
    expect(s.send({ ...SEND, flags: 'PSH,ACK', payload: text('helloworld') })).toEqual([{ ...RECV, ack: REMOTE_ISS + 11 }]);
    expect(lastBlocks(s)).toEqual([[1, 6]]);
  });

  it('a copy of out-of-order data held: the D-SACK block first, then the block holding it (§4.2.1)', () => {
    const s = sackOn();
    s.send({ ...SEND, seq: REMOTE_ISS + 11, flags: 'PSH,ACK', payload: text('world') });
    expect(lastBlocks(s)).toEqual([[11, 16]]);
    s.send({ ...SEND, seq: REMOTE_ISS + 21, flags: 'PSH,ACK', payload: text('later') });
    s.send({ ...SEND, seq: REMOTE_ISS + 11, flags: 'PSH,ACK', payload: text('world') });
    expect(lastBlocks(s)).toEqual([[11, 16], [11, 16], [21, 26]]);
  });

  it('without SACK agreed, no blocks at all', () => {
    const s = established({ sack: true });
    s.send({ ...SEND, flags: 'PSH,ACK', payload: text('hello') });
    s.send({ ...SEND, flags: 'PSH,ACK', payload: text('hello') });
    expect(lastBlocks(s)).toEqual([]);
  });
});
