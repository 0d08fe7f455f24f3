// Typed forms of what travels on the wire: one IPv4 packet (RFC 791) carrying one TCP segment (RFC 9293 §3.1).
// Numbers are plain JS numbers: addresses and sequence numbers are unsigned 32-bit values (0 … 2^32-1).

/** TCP control bits as they sit in byte 13 of the header (RFC 9293 §3.1, RFC 3168 for ECE/CWR). */
export const Flag = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
} as const;
export type FlagName = keyof typeof Flag;

/** Option kinds (IANA "TCP Option Kind Numbers"). */
export const OptionKind = {
  EOL: 0,
  NOP: 1,
  MSS: 2,
  WINDOW_SCALE: 3,
  SACK_PERMITTED: 4,
  SACK: 5,
  TIMESTAMPS: 8,
} as const;

/** One SACK block (RFC 2018): [left, right) in sequence space. */
export interface SackBlock {
  left: number;
  right: number;
}

export interface TcpOptions {
  mss?: number;
  windowScale?: number;
  sackPermitted?: boolean;
  sackBlocks?: SackBlock[];
  timestamps?: { tsVal: number; tsEcr: number };
  /** Options of kinds we do not interpret; skipped by their length on input, never emitted. */
  unknown?: { kind: number; length: number }[];
}

export interface TcpSegment {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** Bitwise OR of Flag values. */
  flags: number;
  /** The raw 16-bit window field as on the wire (not yet scaled). */
  window: number;
  urgent: number;
  options: TcpOptions;
  payload: Uint8Array;
}

/** IPv4 fields a sender chooses; the rest (version, IHL, length, checksum) follow from them. */
export interface Ipv4Fields {
  src: number;
  dst: number;
  ttl: number;
  id: number;
  tos: number;
  dontFragment: boolean;
}

/** A decoded IPv4 header: everything on the wire, for display and checking. */
export interface Ipv4Header extends Ipv4Fields {
  version: number;
  headerLength: number;
  totalLength: number;
  moreFragments: boolean;
  fragmentOffset: number;
  protocol: number;
  checksum: number;
}

export interface Packet {
  ip: Ipv4Header;
  tcp: TcpSegment;
}

/** The codec never throws: a malformed input gives a reason a student can read. */
export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

export const IPPROTO_TCP = 6;
