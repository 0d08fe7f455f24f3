// The TCP conversations of a capture, as Wireshark's Statistics → Conversations lists them:
// endpoints, packets and bytes each way, start, duration, how each began and ended.
import { Flag } from '../tcp/wire/types.ts';
import type { DecodedPacket, DecodedTcp } from './decode-packet.ts';

export type Opening = 'handshake' | 'simultaneous open' | 'refused' | 'SYN only' | 'joined mid-stream';
export type Ending = 'FIN both ways' | 'FIN one way' | 'RST' | 'none';

export interface Conversation {
  /** 0-based, in order of first packet, like tcp.stream. */
  index: number;
  /** End A is the sender of the conversation's first packet. */
  a: { address: string; port: number };
  b: { address: string; port: number };
  ipVersion: 4 | 6;
  packets: number;
  /** Frame bytes (on-the-wire lengths) each way, as Wireshark's Conversations counts them. */
  bytesAtoB: number;
  bytesBtoA: number;
  packetsAtoB: number;
  packetsBtoA: number;
  /** TCP payload bytes each way. */
  payloadAtoB: number;
  payloadBtoA: number;
  start: number;
  duration: number;
  opening: Opening;
  ending: Ending;
  /** Frame numbers of its packets, in capture order. */
  frames: number[];
}

export interface TcpPacketRef {
  packet: DecodedPacket;
  tcp: DecodedTcp;
  conversation: number;
  fromA: boolean;
}

const keyOf = (addr: string, port: number) => `${addr}|${port}`;

/** Split the capture's TCP packets into conversations. A SYN after both ends closed starts a new one. */
export function groupConversations(packets: DecodedPacket[]): { conversations: Conversation[]; refs: TcpPacketRef[] } {
  const conversations: Conversation[] = [];
  const refs: TcpPacketRef[] = [];
  const open = new Map<string, { conv: Conversation; fins: Set<boolean>; rst: boolean; synSeq?: number }>();
  for (const packet of packets) {
    const tcp = packet.tcp;
    if (tcp === undefined || packet.src === undefined || packet.dst === undefined) continue;
    const s = keyOf(packet.src, tcp.srcPort);
    const d = keyOf(packet.dst, tcp.dstPort);
    const key = s < d ? `${s}>${d}` : `${d}>${s}`;
    let entry = open.get(key);
    const bareSyn = (tcp.flags & (Flag.SYN | Flag.ACK)) === Flag.SYN;
    if (entry !== undefined && bareSyn && (entry.rst || entry.fins.size === 2) && entry.synSeq !== tcp.seq) entry = undefined;
    if (entry === undefined) {
      const conv: Conversation = {
        index: conversations.length,
        a: { address: packet.src, port: tcp.srcPort },
        b: { address: packet.dst, port: tcp.dstPort },
        ipVersion: packet.ipVersion ?? 4,
        packets: 0, bytesAtoB: 0, bytesBtoA: 0, packetsAtoB: 0, packetsBtoA: 0, payloadAtoB: 0, payloadBtoA: 0,
        start: packet.time, duration: 0, opening: 'joined mid-stream', ending: 'none', frames: [],
      };
      entry = { conv, fins: new Set(), rst: false };
      if (bareSyn) entry.synSeq = tcp.seq;
      conversations.push(conv);
      open.set(key, entry);
    }
    const conv = entry.conv;
    const fromA = conv.a.address === packet.src && conv.a.port === tcp.srcPort;
    conv.packets++;
    conv.frames.push(packet.number);
    if (fromA) { conv.packetsAtoB++; conv.bytesAtoB += packet.length; conv.payloadAtoB += tcp.payloadLength; }
    else { conv.packetsBtoA++; conv.bytesBtoA += packet.length; conv.payloadBtoA += tcp.payloadLength; }
    if (Number.isFinite(packet.time) && Number.isFinite(conv.start)) conv.duration = packet.time - conv.start;
    if (tcp.flags & Flag.FIN) entry.fins.add(fromA);
    if (tcp.flags & Flag.RST) entry.rst = true;
    refs.push({ packet, tcp, conversation: conv.index, fromA });
  }
  return { conversations, refs };
}

/** How a conversation began and ended, from its packets (refs of that conversation only). */
export function describeEnds(conv: Conversation, refs: TcpPacketRef[]): void {
  const first = refs[0];
  const bSyn = refs.find((r) => !r.fromA && r.tcp.flags & Flag.SYN);
  const aSyn = first !== undefined && (first.tcp.flags & (Flag.SYN | Flag.ACK)) === Flag.SYN;
  if (!aSyn) conv.opening = 'joined mid-stream';
  else if (bSyn !== undefined && !(bSyn.tcp.flags & Flag.ACK)) conv.opening = 'simultaneous open';
  else if (bSyn !== undefined) conv.opening = 'handshake';
  else if (refs.some((r) => !r.fromA && r.tcp.flags & Flag.RST)) conv.opening = 'refused';
  else conv.opening = 'SYN only';
  const finA = refs.some((r) => r.fromA && r.tcp.flags & Flag.FIN);
  const finB = refs.some((r) => !r.fromA && r.tcp.flags & Flag.FIN);
  if (refs.some((r) => r.tcp.flags & Flag.RST)) conv.ending = 'RST';
  else if (finA && finB) conv.ending = 'FIN both ways';
  else if (finA || finB) conv.ending = 'FIN one way';
  else conv.ending = 'none';
}

/**
 * Filter conversations: each space-separated term must match. "port:80", "addr:10.0.0.1",
 * "ended:RST", "began:joined", or plain text matched against endpoints, opening and ending.
 */
export function filterConversations(list: Conversation[], query: string): Conversation[] {
  const terms = query.trim().toLowerCase().split(/\s+/).filter((t) => t.length > 0);
  return list.filter((c) =>
    terms.every((term) => {
      const [field, value] = term.includes(':') && /^(port|addr|ended|began):/.test(term) ? [term.slice(0, term.indexOf(':')), term.slice(term.indexOf(':') + 1)] : ['', term];
      switch (field) {
        case 'port':
          return String(c.a.port) === value || String(c.b.port) === value;
        case 'addr':
          return c.a.address.toLowerCase() === value || c.b.address.toLowerCase() === value;
        case 'ended':
          return c.ending.toLowerCase().includes(value);
        case 'began':
          return c.opening.toLowerCase().includes(value);
        default: {
          const text = `${c.a.address}:${c.a.port} ${c.b.address}:${c.b.port} [${c.a.address}]:${c.a.port} [${c.b.address}]:${c.b.port} ${c.opening} ${c.ending}`.toLowerCase();
          return text.includes(value);
        }
      }
    }),
  );
}
