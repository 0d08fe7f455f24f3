// One packet on the wire: an IPv4 header (RFC 791) carrying one TCP segment (RFC 9293).
import type { Decoded, Ipv4Fields, Packet, TcpSegment } from './types.ts';
import { IPPROTO_TCP } from './types.ts';
import { decodeIpv4, encodeIpv4Header, IPV4_MIN_HEADER, protocolName } from './ipv4.ts';
import { decodeTcp, tcpHeaderLength, writeTcp } from './tcp.ts';
import { allocBytes } from '../slab.ts';

/** What a sender chooses for the IP header; the defaults are Linux's for TCP. */
export interface IpSendFields {
  src: number;
  dst: number;
  /** Default 64. */
  ttl?: number;
  /** Default 0: with DF set the ID is never used for reassembly (RFC 6864 §4.1). */
  id?: number;
  /** Default 0. */
  tos?: number;
  /** Default true: TCP does its own segmentation, so routers must not fragment. */
  dontFragment?: boolean;
}

/** Decode an IPv4 packet carrying TCP, checking both checksums. The payload is a view. */
export function decodePacket(bytes: Uint8Array): Decoded<Packet> {
  const ip = decodeIpv4(bytes);
  if (!ip.ok) return ip;
  const header = ip.value.header;
  if (header.protocol !== IPPROTO_TCP) {
    return {
      ok: false,
      reason: `IP protocol ${protocolName(header.protocol)} is not TCP (6): this playground carries only TCP`,
    };
  }
  const tcp = decodeTcp(ip.value.payload, header.src, header.dst);
  if (!tcp.ok) return tcp;
  return { ok: true, value: { ip: header, tcp: tcp.value } };
}

/**
 * Encode one IPv4+TCP packet into an array of its exact size, both checksums valid. The array is a
 * view into a shared slab (see slab.ts): copy it before transferring its buffer to another thread.
 */
export function encodePacket(ip: IpSendFields, seg: TcpSegment): Uint8Array<ArrayBuffer> {
  const headerLength = tcpHeaderLength(seg);
  const tcpLength = headerLength + seg.payload.length;
  const out = allocBytes(IPV4_MIN_HEADER + tcpLength);
  const fields: Ipv4Fields = {
    src: ip.src,
    dst: ip.dst,
    ttl: ip.ttl ?? 64,
    id: ip.id ?? 0,
    tos: ip.tos ?? 0,
    dontFragment: ip.dontFragment ?? true,
  };
  encodeIpv4Header(out, fields, tcpLength);
  writeTcp(out, IPV4_MIN_HEADER, seg, ip.src, ip.dst, headerLength);
  return out;
}
