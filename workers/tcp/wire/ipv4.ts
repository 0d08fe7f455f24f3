// IPv4 header (RFC 791 §3.1): decode with checks a student can read, encode a 20-byte header.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// |Version|  IHL  |Type of Service|          Total Length         |
// |         Identification        |Flags|      Fragment Offset    |
// |  Time to Live |    Protocol   |         Header Checksum       |
// |                       Source Address                          |
// |                    Destination Address                        |
// |                    Options (IHL > 5)                          |
import type { Decoded, Ipv4Fields, Ipv4Header } from './types.ts';
import { hex16, internetChecksum, onesComplementSum } from './checksum.ts';

export { formatIpv4Address, parseIpv4Address } from './address.ts';

export const IPV4_MIN_HEADER = 20;

const DF = 0x4000; // flags are the top 3 bits of bytes 6-7: reserved, DF, MF
const MF = 0x2000;
const OFFSET_MASK = 0x1fff;

const PROTOCOL_NAMES: Record<number, string> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP', 41: 'IPv6', 58: 'ICMPv6' };

/** "17 (UDP)" for reasons and summaries; just the number when it has no common name. */
export function protocolName(protocol: number): string {
  const name = PROTOCOL_NAMES[protocol];
  return name === undefined ? String(protocol) : `${protocol} (${name})`;
}

function u16(b: Uint8Array, i: number): number {
  return (b[i]! << 8) | b[i + 1]!;
}

function u32(b: Uint8Array, i: number): number {
  return ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
}

/**
 * What is wrong with the header at the start of `bytes`, or null when version, IHL, lengths
 * and header checksum all check out. Shared by the full decoder and the relay's cheap check.
 */
function ipv4Problem(bytes: Uint8Array): string | null {
  const n = bytes.length;
  if (n === 0) return `empty packet: 0 bytes, an IPv4 header needs ${IPV4_MIN_HEADER}`;
  if (n < IPV4_MIN_HEADER) return `truncated IPv4 header: ${n} bytes, need ${IPV4_MIN_HEADER}`;
  const version = bytes[0]! >>> 4;
  if (version !== 4) {
    return version === 6
      ? 'IP version 6, expected 4: this playground speaks IPv4 only'
      : `IP version ${version}, expected 4`;
  }
  const ihl = bytes[0]! & 0x0f;
  if (ihl < 5) {
    return `IPv4 header length field (IHL) ${ihl} means ${ihl * 4} bytes, below the minimum 5 (20 bytes)`;
  }
  const headerLength = ihl * 4;
  if (headerLength > n) {
    return `IPv4 header length ${headerLength} bytes (IHL ${ihl}) runs past the end of the packet (${n} bytes)`;
  }
  const totalLength = u16(bytes, 2);
  if (totalLength < headerLength) {
    return `IPv4 total length ${totalLength} is shorter than its own header (${headerLength} bytes)`;
  }
  if (totalLength > n) {
    return `IPv4 total length ${totalLength} runs past the end of the packet (${n} bytes)`;
  }
  // RFC 791 §3.1: summing the header including its checksum gives 0xffff when intact.
  if (onesComplementSum(bytes, 0, headerLength) !== 0xffff) {
    const stored = u16(bytes, 10);
    const expected = internetChecksum(bytes, 0, headerLength, 0xffff - stored); // sum minus stored, ones' complement
    return `bad IPv4 header checksum ${hex16(stored)}, expected ${hex16(expected)}`;
  }
  return null;
}

/**
 * The relay's check: is this a well-formed IPv4 header with a good checksum, and where does it
 * go? Allocates only the small result object (no payload view, no header object).
 */
export function checkIpv4Header(
  bytes: Uint8Array,
): Decoded<{ src: number; dst: number; totalLength: number; protocol: number }> {
  const problem = ipv4Problem(bytes);
  if (problem !== null) return { ok: false, reason: problem };
  return {
    ok: true,
    value: { src: u32(bytes, 12), dst: u32(bytes, 16), totalLength: u16(bytes, 2), protocol: bytes[9]! },
  };
}

/**
 * Decode an IPv4 packet. Bytes beyond the total length are ignored (link-layer padding, as on
 * Ethernet). Fragments are refused: this stack does not reassemble (RFC 791 §2.3).
 * `fragmentOffset` is the raw 13-bit field, in units of 8 bytes. The payload is a view into
 * `bytes`, not a copy.
 */
export function decodeIpv4(bytes: Uint8Array): Decoded<{ header: Ipv4Header; payload: Uint8Array }> {
  const problem = ipv4Problem(bytes);
  if (problem !== null) return { ok: false, reason: problem };
  const headerLength = (bytes[0]! & 0x0f) * 4;
  const totalLength = u16(bytes, 2);
  const flagsOffset = u16(bytes, 6);
  const moreFragments = (flagsOffset & MF) !== 0;
  const fragmentOffset = flagsOffset & OFFSET_MASK;
  if (moreFragments || fragmentOffset !== 0) {
    return {
      ok: false,
      reason:
        `IPv4 fragment (more-fragments ${moreFragments ? 'set' : 'clear'}, offset ${fragmentOffset * 8} bytes): ` +
        'this stack does not reassemble fragments',
    };
  }
  const header: Ipv4Header = {
    version: 4,
    headerLength,
    tos: bytes[1]!,
    totalLength,
    id: u16(bytes, 4),
    dontFragment: (flagsOffset & DF) !== 0,
    moreFragments,
    fragmentOffset,
    ttl: bytes[8]!,
    protocol: bytes[9]!,
    checksum: u16(bytes, 10),
    src: u32(bytes, 12),
    dst: u32(bytes, 16),
  };
  return { ok: true, value: { header, payload: bytes.subarray(headerLength, totalLength) } };
}

/**
 * Write a 20-byte IPv4 header (no options) at target[offset] for a payload of `payloadLength`
 * bytes carrying `protocol` (TCP unless told), with a valid header checksum. Fields are masked
 * to their wire widths rather than checked: callers keep payloads within 65535 − 20 bytes.
 */
export function encodeIpv4Header(
  target: Uint8Array,
  fields: Ipv4Fields,
  payloadLength: number,
  offset = 0,
  protocol = 6,
): void {
  const o = offset;
  const total = IPV4_MIN_HEADER + payloadLength;
  target[o] = 0x45; // version 4, IHL 5
  target[o + 1] = fields.tos;
  target[o + 2] = total >>> 8;
  target[o + 3] = total;
  target[o + 4] = fields.id >>> 8;
  target[o + 5] = fields.id;
  target[o + 6] = fields.dontFragment ? DF >>> 8 : 0; // never MF, offset 0: we do not fragment
  target[o + 7] = 0;
  target[o + 8] = fields.ttl;
  target[o + 9] = protocol;
  target[o + 10] = 0;
  target[o + 11] = 0;
  const src = fields.src;
  const dst = fields.dst;
  target[o + 12] = src >>> 24;
  target[o + 13] = src >>> 16;
  target[o + 14] = src >>> 8;
  target[o + 15] = src;
  target[o + 16] = dst >>> 24;
  target[o + 17] = dst >>> 16;
  target[o + 18] = dst >>> 8;
  target[o + 19] = dst;
  const sum = internetChecksum(target, o, o + IPV4_MIN_HEADER);
  target[o + 10] = sum >>> 8;
  target[o + 11] = sum;
}
