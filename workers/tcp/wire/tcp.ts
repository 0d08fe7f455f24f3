// TCP header (RFC 9293 §3.1): decode with checks a student can read, encode with the checksum
// over the pseudo-header.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// |          Source Port          |       Destination Port        |
// |                        Sequence Number                        |
// |                    Acknowledgment Number                      |
// |  Data |       |C|E|U|A|P|R|S|F|                               |
// | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
// |           Checksum            |         Urgent Pointer        |
// |                   Options (data offset > 5)                   |
import type { Decoded, TcpOptions, TcpSegment } from './types.ts';
import { IPPROTO_TCP } from './types.ts';
import { hex16, internetChecksum, onesComplementSum, pseudoHeaderSum } from './checksum.ts';
import { decodeTcpOptions, encodeTcpOptions, tcpOptionsLength } from './options.ts';

export const TCP_MIN_HEADER = 20;

function u16(b: Uint8Array, i: number): number {
  return (b[i]! << 8) | b[i + 1]!;
}

function u32(b: Uint8Array, i: number): number {
  return ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
}

/**
 * Decode one TCP segment: `bytes` is the IP payload (header, options, data), `srcAddr` and
 * `dstAddr` come from the IP header for the pseudo-header checksum. The payload is a view into
 * `bytes`. The four reserved bits are ignored, as RFC 9293 §3.1 asks of receivers.
 */
export function decodeTcp(
  bytes: Uint8Array,
  srcAddr: number,
  dstAddr: number,
  opts?: { verifyChecksum?: boolean },
): Decoded<TcpSegment> {
  const n = bytes.length;
  if (n < TCP_MIN_HEADER) return { ok: false, reason: `truncated TCP header: ${n} bytes, need ${TCP_MIN_HEADER}` };
  // The checksum covers the whole segment whatever the header says, so check it first: a flipped
  // bit in the data offset is then reported as the corruption it is, not as a malformed header.
  if (opts?.verifyChecksum !== false) {
    // Summing pseudo-header and segment, checksum field included, gives 0xffff when intact.
    const pseudo = pseudoHeaderSum(srcAddr, dstAddr, IPPROTO_TCP, n);
    if (n > 0xffff || onesComplementSum(bytes, 0, n, pseudo) !== 0xffff) {
      const stored = u16(bytes, 16);
      const expected = internetChecksum(bytes, 0, n, pseudo + 0xffff - stored); // sum minus stored
      return { ok: false, reason: `bad TCP checksum ${hex16(stored)}, expected ${hex16(expected)}` };
    }
  }
  const dataOffset = bytes[12]! >>> 4;
  const headerLength = dataOffset * 4;
  if (dataOffset < 5) {
    return {
      ok: false,
      reason: `data offset ${dataOffset} (${headerLength} bytes) is below the minimum 5 (20 bytes)`,
    };
  }
  if (headerLength > n) {
    return {
      ok: false,
      reason: `data offset ${dataOffset} (${headerLength} bytes) runs past the end of the segment (${n} bytes)`,
    };
  }
  let options: TcpOptions;
  if (headerLength === TCP_MIN_HEADER) {
    options = {};
  } else {
    const decoded = decodeTcpOptions(bytes, TCP_MIN_HEADER, headerLength);
    if (!decoded.ok) return decoded;
    options = decoded.value;
  }
  return {
    ok: true,
    value: {
      srcPort: u16(bytes, 0),
      dstPort: u16(bytes, 2),
      seq: u32(bytes, 4),
      ack: u32(bytes, 8),
      flags: bytes[13]!,
      window: u16(bytes, 14),
      urgent: u16(bytes, 18),
      options,
      payload: bytes.subarray(headerLength),
    },
  };
}

/** Header length (20 + options) `encodeTcp` writes for these options. */
export function tcpHeaderLength(seg: Pick<TcpSegment, 'options'>): number {
  return TCP_MIN_HEADER + tcpOptionsLength(seg.options);
}

/** Bytes `encodeTcp` writes for this segment: header, options and payload. */
export function tcpSegmentLength(seg: TcpSegment): number {
  return tcpHeaderLength(seg) + seg.payload.length;
}

/**
 * Write `seg` (header, options, payload) at target[offset] with the checksum computed over
 * the pseudo-header for srcAddr → dstAddr. Numeric fields are masked to their wire widths.
 * Returns the bytes written, or -1 (writing nothing) if the target lacks room.
 */
export function encodeTcp(
  target: Uint8Array,
  offset: number,
  seg: TcpSegment,
  srcAddr: number,
  dstAddr: number,
): number {
  const headerLength = tcpHeaderLength(seg);
  const length = headerLength + seg.payload.length;
  if (!(offset >= 0) || offset + length > target.length) return -1;
  writeTcp(target, offset, seg, srcAddr, dstAddr, headerLength);
  return length;
}

/**
 * The writer behind encodeTcp, for callers that sized the target themselves and already know
 * the header length (tcpHeaderLength(seg)): saves laying the options out twice per packet.
 */
export function writeTcp(
  target: Uint8Array,
  o: number,
  seg: TcpSegment,
  srcAddr: number,
  dstAddr: number,
  headerLength: number,
): void {
  const length = headerLength + seg.payload.length;
  target[o] = seg.srcPort >>> 8;
  target[o + 1] = seg.srcPort;
  target[o + 2] = seg.dstPort >>> 8;
  target[o + 3] = seg.dstPort;
  const seq = seg.seq;
  target[o + 4] = seq >>> 24;
  target[o + 5] = seq >>> 16;
  target[o + 6] = seq >>> 8;
  target[o + 7] = seq;
  const ack = seg.ack;
  target[o + 8] = ack >>> 24;
  target[o + 9] = ack >>> 16;
  target[o + 10] = ack >>> 8;
  target[o + 11] = ack;
  target[o + 12] = (headerLength >>> 2) << 4; // data offset in 32-bit words; reserved bits zero
  target[o + 13] = seg.flags;
  target[o + 14] = seg.window >>> 8;
  target[o + 15] = seg.window;
  target[o + 16] = 0; // checksum: summed as zero, filled in below
  target[o + 17] = 0;
  target[o + 18] = seg.urgent >>> 8;
  target[o + 19] = seg.urgent;
  if (headerLength > TCP_MIN_HEADER) encodeTcpOptions(target, o + TCP_MIN_HEADER, seg.options);
  target.set(seg.payload, o + headerLength);
  const sum = internetChecksum(target, o, o + length, pseudoHeaderSum(srcAddr, dstAddr, IPPROTO_TCP, length));
  target[o + 16] = sum >>> 8;
  target[o + 17] = sum;
}

/** Encode a lone TCP segment (no IP header) into a new array of its exact size. */
export function encodeTcpSegment(seg: TcpSegment, srcAddr: number, dstAddr: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(tcpSegmentLength(seg));
  encodeTcp(out, 0, seg, srcAddr, dstAddr);
  return out;
}
