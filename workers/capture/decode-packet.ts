// From a captured frame's bytes to a decoded packet: link layer (Ethernet with 802.1Q/QinQ,
// raw IP, Linux SLL/SLL2, BSD null), IPv4 (RFC 791) or IPv6 (RFC 8200, extension headers
// skipped), then TCP (RFC 9293 §3.1) with every option. Checksums are checked and marked, never
// required: captures taken on the sending host carry offloaded (unfilled) checksums.
import { decodeTcpOptions } from '../tcp/wire/options.ts';
import type { TcpOptions } from '../tcp/wire/types.ts';
import { onesComplementSum, foldSum } from '../tcp/wire/checksum.ts';
import { formatIpv4Address } from '../tcp/wire/address.ts';
import type { CapturedFrame } from './capture-file.ts';

export type ChecksumStatus = 'good' | 'bad' | 'unchecked';

export interface DecodedTcp {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** Control bits, byte 13 (Flag in workers/tcp/wire/types.ts). */
  flags: number;
  window: number;
  urgent: number;
  headerLength: number;
  /** Payload length from the IP header (what was on the wire, even when the capture cut it). */
  payloadLength: number;
  options: TcpOptions;
  /** Set when the options area could not be decoded (the reason). */
  optionsError?: string;
  checksum: ChecksumStatus;
}

export interface DecodedPacket {
  number: number;
  time: number;
  length: number;
  capturedLength: number;
  ipVersion?: 4 | 6;
  src?: string;
  dst?: string;
  /** The transport's name ("TCP", "UDP", "ICMP", "ARP", …) or what stopped the decoding. */
  protocol: string;
  tcp?: DecodedTcp;
  /** Why this frame was not (fully) decoded: truncated, unsupported link type, bad header. */
  note?: string;
}

const IP_PROTOCOLS: Record<number, string> = { 1: 'ICMP', 2: 'IGMP', 6: 'TCP', 17: 'UDP', 47: 'GRE', 50: 'ESP', 58: 'ICMPv6', 132: 'SCTP' };
const ETHER_TYPES: Record<number, string> = { 0x0806: 'ARP', 0x8035: 'RARP', 0x88cc: 'LLDP', 0x8847: 'MPLS', 0x888e: 'EAPOL' };
export const LINK_TYPE_NAMES: Record<number, string> = {
  0: 'BSD loopback', 1: 'Ethernet', 101: 'raw IP', 113: 'Linux cooked (SLL)', 228: 'raw IPv4', 229: 'raw IPv6', 276: 'Linux cooked v2 (SLL2)',
};

const u16 = (b: Uint8Array, i: number) => (b[i]! << 8) | b[i + 1]!;
const u32 = (b: Uint8Array, i: number) => ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;

/** Where the network layer starts and what it is: an EtherType, or a reason it cannot be found. */
function linkLayer(linkType: number, b: Uint8Array): { at: number; etherType: number } | { reason: string } {
  switch (linkType) {
    case 1: {
      // Ethernet II; 802.1Q (0x8100) and 802.1ad/QinQ (0x88a8, 0x9100) tags are 4 bytes each.
      let at = 12;
      for (let tags = 0; ; tags++) {
        if (b.length < at + 2) return { reason: `truncated Ethernet header (${b.length} bytes captured)` };
        const type = u16(b, at);
        if ((type === 0x8100 || type === 0x88a8 || type === 0x9100) && tags < 8) {
          at += 4;
          continue;
        }
        if (type < 0x0600) return { reason: 'IEEE 802.3 frame with a length field (LLC), not analysed' };
        return { at: at + 2, etherType: type };
      }
    }
    case 0: {
      // BSD null: a 4-byte address family in the capturing host's byte order.
      if (b.length < 4) return { reason: 'truncated loopback header' };
      const le = b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24);
      const be = u32(b, 0);
      const family = le < 256 ? le : be;
      if (family === 2) return { at: 4, etherType: 0x0800 };
      if (family === 24 || family === 28 || family === 30) return { at: 4, etherType: 0x86dd };
      return { reason: `loopback frame of address family ${family}, not IP` };
    }
    case 101:
    case 228:
    case 229: {
      if (b.length < 1) return { reason: 'empty raw IP frame' };
      const v = b[0]! >> 4;
      if (v === 4) return { at: 0, etherType: 0x0800 };
      if (v === 6) return { at: 0, etherType: 0x86dd };
      return { reason: `raw IP frame of IP version ${v}` };
    }
    case 113:
      if (b.length < 16) return { reason: 'truncated Linux cooked (SLL) header' };
      return { at: 16, etherType: u16(b, 14) };
    case 276:
      if (b.length < 20) return { reason: 'truncated Linux cooked v2 (SLL2) header' };
      return { at: 20, etherType: u16(b, 0) };
    default:
      return { reason: `link type ${linkType} is not supported (supported: ${Object.keys(LINK_TYPE_NAMES).join(', ')})` };
  }
}

function ipv6Text(b: Uint8Array, i: number): string {
  const groups: string[] = [];
  for (let g = 0; g < 8; g++) groups.push(u16(b, i + 2 * g).toString(16));
  // Collapse the longest run of zero groups (RFC 5952 §4.2).
  let best = -1, bestLen = 0;
  for (let s = 0; s < 8; ) {
    if (groups[s] !== '0') { s++; continue; }
    let e = s;
    while (e < 8 && groups[e] === '0') e++;
    if (e - s > bestLen && e - s > 1) { best = s; bestLen = e - s; }
    s = e;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** Decode one frame. Never throws; what could not be decoded is said in `note`. */
export function decodeFrame(frame: CapturedFrame): DecodedPacket {
  const b = frame.data;
  const p: DecodedPacket = { number: frame.number, time: frame.time, length: frame.length, capturedLength: b.length, protocol: 'unknown' };
  const link = linkLayer(frame.linkType, b);
  if ('reason' in link) {
    p.protocol = LINK_TYPE_NAMES[frame.linkType] === undefined ? `link type ${frame.linkType}` : 'link';
    p.note = link.reason;
    return p;
  }
  const truncated = frame.length > b.length;
  let at = link.at;
  let proto: number;
  let payloadEnd: number; // end of the IP payload, as the IP header says (may exceed what was captured)
  let pseudo = 0;
  if (link.etherType === 0x0800) {
    if (b.length < at + 20) return { ...p, protocol: 'IPv4', note: `truncated IPv4 header (${b.length - at} bytes captured)` };
    const ihl = (b[at]! & 0x0f) * 4;
    if (b[at]! >> 4 !== 4 || ihl < 20) return { ...p, protocol: 'IPv4', note: 'malformed IPv4 header' };
    const total = u16(b, at + 2);
    p.ipVersion = 4;
    p.src = formatIpv4Address(u32(b, at + 12));
    p.dst = formatIpv4Address(u32(b, at + 16));
    proto = b[at + 9]!;
    // TSO captures carry total length 0; fall back to the frame's length then.
    payloadEnd = total >= ihl ? at + total : at + (frame.length - at);
    const fragOffset = u16(b, at + 6) & 0x1fff;
    if (fragOffset !== 0) return { ...p, protocol: `${IP_PROTOCOLS[proto] ?? `IP protocol ${proto}`} fragment` };
    pseudo = onesComplementSum(b, at + 12, at + 20);
    at += ihl;
  } else if (link.etherType === 0x86dd) {
    if (b.length < at + 40) return { ...p, protocol: 'IPv6', note: `truncated IPv6 header (${b.length - at} bytes captured)` };
    p.ipVersion = 6;
    p.src = ipv6Text(b, at + 8);
    p.dst = ipv6Text(b, at + 24);
    payloadEnd = at + 40 + u16(b, at + 4);
    pseudo = onesComplementSum(b, at + 8, at + 40);
    proto = b[at + 6]!;
    at += 40;
    // Extension headers (RFC 8200 §4): hop-by-hop 0, routing 43, destination 60, mobility 135
    // are 8 + 8n bytes; fragment 44 is 8; AH 51 counts 4-byte units.
    for (let n = 0; n < 16; n++) {
      if (proto === 0 || proto === 43 || proto === 60 || proto === 135 || proto === 51) {
        if (b.length < at + 2) return { ...p, protocol: 'IPv6', note: 'truncated IPv6 extension header' };
        const next = b[at]!;
        at += proto === 51 ? (b[at + 1]! + 2) * 4 : (b[at + 1]! + 1) * 8;
        proto = next;
      } else if (proto === 44) {
        if (b.length < at + 8) return { ...p, protocol: 'IPv6', note: 'truncated IPv6 fragment header' };
        if ((u16(b, at + 2) & 0xfff8) !== 0) return { ...p, protocol: 'IPv6 fragment' };
        proto = b[at]!;
        at += 8;
      } else break;
    }
  } else {
    return { ...p, protocol: ETHER_TYPES[link.etherType] ?? `EtherType 0x${link.etherType.toString(16).padStart(4, '0')}` };
  }
  p.protocol = IP_PROTOCOLS[proto] ?? `IP protocol ${proto}`;
  if (proto !== 6) return p;
  if (b.length < at + 20) return { ...p, note: `truncated TCP header (${Math.max(0, b.length - at)} of at least 20 bytes captured)` };
  const headerLength = (b[at + 12]! >> 4) * 4;
  if (headerLength < 20) return { ...p, note: `TCP data offset ${headerLength} is below 20` };
  const tcpLength = payloadEnd - at;
  if (tcpLength < headerLength) return { ...p, note: `TCP header of ${headerLength} bytes longer than the ${tcpLength} bytes IP carries` };
  const optEnd = Math.min(at + headerLength, b.length);
  const tcpBytes = b.subarray(at, optEnd);
  const decodedOptions = decodeTcpOptions(tcpBytes, 20, optEnd - at);
  let checksum: ChecksumStatus = 'unchecked';
  if (!truncated && payloadEnd <= b.length) {
    // RFC 9293 §3.1: the sum over pseudo-header, header and data is 0xffff when correct.
    const sum = onesComplementSum(b, at, payloadEnd, pseudo + 6 + tcpLength);
    checksum = foldSum(sum) === 0xffff ? 'good' : 'bad';
  }
  p.tcp = {
    srcPort: u16(b, at),
    dstPort: u16(b, at + 2),
    seq: u32(b, at + 4),
    ack: u32(b, at + 8),
    flags: b[at + 13]!,
    window: u16(b, at + 14),
    urgent: u16(b, at + 18),
    headerLength,
    payloadLength: tcpLength - headerLength,
    options: decodedOptions.ok ? decodedOptions.value : {},
    checksum,
  };
  if (!decodedOptions.ok) p.tcp.optionsError = decodedOptions.reason;
  if (optEnd < at + headerLength) p.tcp.optionsError = 'the TCP options were cut by the snaplen';
  if (truncated) p.note = `truncated: ${b.length} of ${frame.length} bytes captured (snaplen)`;
  return p;
}
