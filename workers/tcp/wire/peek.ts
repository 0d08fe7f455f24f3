// The one header peeker: the few IPv4 (RFC 791 §3.1) and TCP (RFC 9293 §3.1) header fields that
// routing, fault rules, the trace model and stored records need, read straight from the bytes.
// Deliberately lenient and never throwing: it must keep working on packets the codec rejects
// (corrupted, truncated, bad checksums) and must not pay for a full parse. Every reader says
// "not there" (-1 or null) instead of guessing when the bytes are too short for its field.
import { formatIpv4Address } from './address.ts';
import { decodeTcp } from './tcp.ts';
import type { TcpSegment } from './types.ts';

const IPV4_MIN_HEADER = 20;
const TCP_MIN_HEADER = 20;
const PROTOCOL_TCP = 6;

function u16(p: Uint8Array, i: number): number {
  return ((p[i] ?? 0) << 8) | (p[i + 1] ?? 0);
}

function u32(p: Uint8Array, i: number): number {
  return (((p[i] ?? 0) << 24) | ((p[i + 1] ?? 0) << 16) | ((p[i + 2] ?? 0) << 8) | (p[i + 3] ?? 0)) >>> 0;
}

/** IHL × 4 (RFC 791 §3.1), or -1 when shorter than a minimal header or the IHL is below 5. */
function ipv4HeaderLength(p: Uint8Array): number {
  if (p.length < IPV4_MIN_HEADER) return -1;
  const ihl = ((p[0] ?? 0) & 0x0f) * 4;
  return ihl < IPV4_MIN_HEADER ? -1 : ihl;
}

/** IPv4 source (bytes 12..15) as an unsigned 32-bit number, or -1 if too short. */
export function ipv4Source(p: Uint8Array): number {
  return p.length < IPV4_MIN_HEADER ? -1 : u32(p, 12);
}

/** IPv4 destination (bytes 16..19) as an unsigned 32-bit number, or -1 if too short. */
export function ipv4Destination(p: Uint8Array): number {
  return p.length < IPV4_MIN_HEADER ? -1 : u32(p, 16);
}

/** Source and destination as dotted quads, when the bytes hold an IPv4 header's first 20 bytes. */
export function ipv4Addresses(p: Uint8Array): { src: string; dst: string } | null {
  if (p.length < IPV4_MIN_HEADER || (p[0] ?? 0) >>> 4 !== 4) return null;
  return { src: formatIpv4Address(u32(p, 12)), dst: formatIpv4Address(u32(p, 16)) };
}

/** Where the TCP header starts (IHL × 4), or -1 when the packet is not a plausible IPv4/TCP packet. */
export function tcpHeaderOffset(p: Uint8Array): number {
  if (p.length < IPV4_MIN_HEADER || p[9] !== PROTOCOL_TCP) return -1;
  const ihl = ipv4HeaderLength(p);
  if (ihl < 0 || p.length < ihl + TCP_MIN_HEADER) return -1;
  return ihl;
}

/**
 * The TCP ports, from the first four bytes after the IPv4 header: all a truncated packet may
 * still show (a drop of a short packet names its ports). Null when even those are missing.
 */
export function tcpPorts(p: Uint8Array): { srcPort: number; dstPort: number } | null {
  const ihl = ipv4HeaderLength(p);
  if (ihl < 0 || p.length < ihl + 4) return null;
  return { srcPort: u16(p, ihl), dstPort: u16(p, ihl + 2) };
}

/** The TCP flags byte (header byte 13), or -1 when the packet is not TCP. */
export function tcpFlags(p: Uint8Array): number {
  const off = tcpHeaderOffset(p);
  return off < 0 ? -1 : (p[off + 13] ?? 0);
}

/** SEG.SEQ and SEG.ACK (header bytes 4..11), or null when the packet is not TCP. */
export function tcpSeqAck(p: Uint8Array): { seq: number; ack: number } | null {
  const off = tcpHeaderOffset(p);
  return off < 0 ? null : { seq: u32(p, off + 4), ack: u32(p, off + 8) };
}

/**
 * TCP payload length: IPv4 total length (clamped to the bytes we have) minus both headers.
 * -1 when the packet is not TCP.
 */
export function tcpPayloadLength(p: Uint8Array): number {
  const off = tcpHeaderOffset(p);
  if (off < 0) return -1;
  const total = Math.min(p.length, u16(p, 2));
  const dataOffset = ((p[off + 12] ?? 0) >>> 4) * 4;
  return Math.max(0, total - off - dataOffset);
}

/**
 * Where both headers end (IHL × 4 + data offset × 4, at most the bytes there are), or the whole
 * length when the headers are implausible: what a header-only identity of the packet covers.
 */
export function headersEnd(p: Uint8Array): number {
  const n = p.length;
  const ihl = ipv4HeaderLength(p);
  if (ihl < 0 || n < ihl + 13) return n;
  const dataOffset = ((p[ihl + 12] ?? 0) >>> 4) * 4;
  return dataOffset < TCP_MIN_HEADER ? n : Math.min(n, ihl + dataOffset);
}

/**
 * The TCP segment of a packet, checksums not checked and the IPv4 header not validated: a
 * corrupted packet still shows its fields, and a stored one decodes as it did when traced. The
 * payload ends at the IPv4 total length when that is plausible, else at the last byte. Null when
 * the bytes hold no decodable TCP header.
 */
export function segmentOf(p: Uint8Array): TcpSegment | null {
  const ihl = ipv4HeaderLength(p);
  if (ihl < 0) return null;
  const total = u16(p, 2);
  const end = total >= ihl && total <= p.length ? total : p.length;
  if (end < ihl + TCP_MIN_HEADER) return null;
  const d = decodeTcp(p.subarray(ihl, end), 0, 0, { verifyChecksum: false });
  return d.ok ? d.value : null;
}
