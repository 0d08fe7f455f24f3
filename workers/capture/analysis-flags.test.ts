// The tcp.analysis rules the fixtures do not reach (Linux on loopback does not send them), each
// on a short hand-made exchange: zero-window probe and its ACK, a one-byte keep-alive, and the
// duplicate-ACK count with the frame it repeats. The rest are checked against tshark on real captures.
import { describe, expect, it } from 'vitest';
import { Flag } from '../tcp/wire/types.ts';
import { analysePacket, newDirection, type AnalysisContext } from './analysis-flags.ts';
import type { DecodedTcp } from './decode-packet.ts';

function seg(seq: number, ack: number, flags: number, window: number, payloadLength = 0): DecodedTcp {
  return { srcPort: 1, dstPort: 2, seq, ack, flags, window, urgent: 0, headerLength: 20, payloadLength, options: {}, checksum: 'good' };
}

/** Run [fromA, segment] steps in order; returns each packet's flags. */
function run(steps: [boolean, DecodedTcp][]) {
  const a = newDirection();
  const b = newDirection();
  const ctx: AnalysisContext = { scaling: 'none' };
  return steps.map(([fromA, t], i) => {
    const r = analysePacket(i + 1, i * 0.1, t, fromA ? a : b, fromA ? b : a, ctx);
    return r.duplicateAck ? [...r.flags, `#${r.duplicateAck.number} of ${r.duplicateAck.of}`] : r.flags;
  });
}

const A = Flag.ACK;

describe('Wireshark rules not met in the fixtures', () => {
  it('zero window, then a one-byte zero-window probe, then its ACK', () => {
    expect(run([
      [true, seg(100, 500, Flag.SYN, 1000)],
      [false, seg(500, 101, Flag.SYN | A, 1000)],
      [true, seg(101, 501, A, 1000, 10)],
      [false, seg(501, 111, A, 0)],
      [true, seg(111, 501, A, 1000, 1)],
      [false, seg(501, 111, A, 0)],
    ])).toEqual([[], [], [], ['zero_window'], ['zero_window_probe'], ['zero_window', 'zero_window_probe_ack']]);
  });

  it('a one-byte keep-alive (seq one below the next) is a keep-alive, not a retransmission', () => {
    expect(run([
      [true, seg(100, 500, Flag.SYN, 1000)],
      [false, seg(500, 101, Flag.SYN | A, 1000)],
      [true, seg(101, 501, A, 1000, 10)],
      [false, seg(501, 111, A, 1000)],
      [true, seg(110, 501, A, 1000, 1)],
      [false, seg(501, 111, A, 1000)],
    ])).toEqual([[], [], [], [], ['keep_alive'], ['keep_alive_ack']]);
  });

  it('duplicate ACKs count up and name the ACK they repeat; a window update between them (not a new ACK) keeps the count, as tshark does in lossy.pcap', () => {
    expect(run([
      [true, seg(100, 500, Flag.SYN, 1000)],
      [false, seg(500, 101, Flag.SYN | A, 1000)],
      [true, seg(101, 501, A, 1000, 10)],
      [false, seg(501, 111, A, 1000)],
      [false, seg(501, 111, A, 1000)],
      [false, seg(501, 111, A, 2000)],
      [false, seg(501, 111, A, 2000)],
    ])).toEqual([[], [], [], [], ['duplicate_ack', '#1 of 4'], ['window_update'], ['duplicate_ack', '#2 of 4']]);
  });
});
