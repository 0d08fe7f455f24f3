// The few header fields the simulated network needs, read straight from the bytes.
// Deliberately independent of the wire codec: routing and fault rules must keep working on
// packets the codec would reject (corrupted, truncated), and must not pay for a full parse.

const IPV4_MIN_HEADER = 20;
const PROTOCOL_TCP = 6;

/** IPv4 destination (bytes 16..19, big-endian) as an unsigned 32-bit number, or -1 if too short. */
export function ipv4Destination(packet: Uint8Array): number {
  if (packet.length < IPV4_MIN_HEADER) return -1;
  return (
    (((packet[16] ?? 0) << 24) | ((packet[17] ?? 0) << 16) | ((packet[18] ?? 0) << 8) | (packet[19] ?? 0)) >>> 0
  );
}

/** Where the TCP header starts (IHL × 4), or -1 when the packet is not a plausible IPv4/TCP packet. */
export function tcpHeaderOffset(packet: Uint8Array): number {
  if (packet.length < IPV4_MIN_HEADER) return -1;
  if (packet[9] !== PROTOCOL_TCP) return -1;
  const ihl = ((packet[0] ?? 0) & 0x0f) * 4;
  if (ihl < IPV4_MIN_HEADER || packet.length < ihl + 20) return -1;
  return ihl;
}

/** The TCP flags byte (header byte 13), or -1 when the packet is not TCP. */
export function tcpFlags(packet: Uint8Array): number {
  const off = tcpHeaderOffset(packet);
  return off < 0 ? -1 : (packet[off + 13] ?? 0);
}

/**
 * TCP payload length: IPv4 total length (clamped to the bytes we have) minus both headers.
 * -1 when the packet is not TCP.
 */
export function tcpPayloadLength(packet: Uint8Array): number {
  const off = tcpHeaderOffset(packet);
  if (off < 0) return -1;
  const total = Math.min(packet.length, ((packet[2] ?? 0) << 8) | (packet[3] ?? 0));
  const dataOffset = ((packet[off + 12] ?? 0) >>> 4) * 4;
  return Math.max(0, total - off - dataOffset);
}
