// Where every field sits in a packet's bytes, so a hex dump can highlight the field a student
// selects. Best effort: on malformed input it lists what can still be located and never throws.
// Names follow Wireshark's display-filter fields (ip.ttl, tcp.seq, …) so they carry over.
import { OptionKind } from './types.ts';
import { foldSum, hex16, onesComplementSum, pseudoHeaderSum } from './checksum.ts';
import { formatIpv4Address } from './address.ts';
import { flagNames } from './describe.ts';
import { protocolName } from './ipv4.ts';

export interface LayoutField {
  /** Wireshark-style field name, e.g. "tcp.options.mss". */
  name: string;
  /** What a student reads, value included, e.g. "MSS: 1460". */
  label: string;
  /** First byte of the field in the packet. */
  offset: number;
  /** Bytes the field touches (cut short where the packet ends). */
  length: number;
  /** For fields narrower than their bytes: [first, end) bit, counting from 0 = the most significant bit of the byte at `offset`, as the RFC diagrams do. */
  bits?: [number, number];
}

function u16(b: Uint8Array, i: number): number {
  return ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);
}

function u32(b: Uint8Array, i: number): number {
  return (((b[i] ?? 0) << 24) | ((b[i + 1] ?? 0) << 16) | ((b[i + 2] ?? 0) << 8) | (b[i + 3] ?? 0)) >>> 0;
}

const setOrNot = (on: boolean): string => (on ? 'set' : 'not set');

const TCP_FLAG_BITS: readonly (readonly [string, string, number])[] = [
  ['tcp.flags.cwr', 'CWR (congestion window reduced)', 0x80],
  ['tcp.flags.ece', 'ECE (ECN echo)', 0x40],
  ['tcp.flags.urg', 'URG (urgent)', 0x20],
  ['tcp.flags.ack', 'ACK (acknowledgment)', 0x10],
  ['tcp.flags.push', 'PSH (push)', 0x08],
  ['tcp.flags.reset', 'RST (reset)', 0x04],
  ['tcp.flags.syn', 'SYN (synchronize)', 0x02],
  ['tcp.flags.fin', 'FIN (finish)', 0x01],
];

/** The byte ranges of every IPv4 and TCP header field, each option, and the payload. */
export function packetLayout(bytes: Uint8Array): LayoutField[] {
  const out: LayoutField[] = [];
  const n = bytes.length;
  // Adds a field if it starts before `limit`, cut short at `limit` if the packet ends early.
  const add = (name: string, label: string, offset: number, length: number, limit: number, bits?: [number, number]) => {
    if (length <= 0 || offset >= limit) return;
    const field: LayoutField = { name, label, offset, length: Math.min(length, limit - offset) };
    if (bits !== undefined) field.bits = bits;
    out.push(field);
  };
  if (n === 0) return out;

  // IPv4 header, RFC 791 §3.1.
  const version = bytes[0]! >>> 4;
  add('ip.version', `Version: ${version}`, 0, 1, n, [0, 4]);
  if (version !== 4) {
    add('ip.unparsed', `Not IPv4: ${n - 1} more bytes not decoded`, 1, n - 1, n);
    return out;
  }
  const ihl = bytes[0]! & 0x0f;
  add('ip.hdr_len', `Header length: ${ihl * 4} bytes (${ihl})${ihl < 5 ? ', below the minimum 5' : ''}`, 0, 1, n, [4, 8]);
  add('ip.dsfield', `Type of service: 0x${(bytes[1] ?? 0).toString(16).padStart(2, '0')}`, 1, 1, n);
  const totalLength = u16(bytes, 2);
  add('ip.len', `Total length: ${totalLength}`, 2, 2, n);
  const id = u16(bytes, 4);
  add('ip.id', `Identification: ${hex16(id)} (${id})`, 4, 2, n);
  const flagsOffset = u16(bytes, 6);
  add('ip.flags.rb', `Reserved bit: ${setOrNot((flagsOffset & 0x8000) !== 0)}`, 6, 1, n, [0, 1]);
  add('ip.flags.df', `Don't fragment: ${setOrNot((flagsOffset & 0x4000) !== 0)}`, 6, 1, n, [1, 2]);
  add('ip.flags.mf', `More fragments: ${setOrNot((flagsOffset & 0x2000) !== 0)}`, 6, 1, n, [2, 3]);
  const fragment = flagsOffset & 0x1fff;
  add('ip.frag_offset', `Fragment offset: ${fragment} (${fragment * 8} bytes)`, 6, 2, n, [3, 16]);
  add('ip.ttl', `Time to live: ${bytes[8] ?? 0}`, 8, 1, n);
  const protocol = bytes[9] ?? 0;
  add('ip.proto', `Protocol: ${protocolName(protocol)}`, 9, 1, n);
  const headerLength = Math.max(ihl * 4, 20);
  const stored = u16(bytes, 10);
  let checkNote = '';
  if (ihl >= 5 && headerLength <= n) {
    const sum = onesComplementSum(bytes, 0, headerLength);
    checkNote = sum === 0xffff ? ' (correct)' : ` (wrong, expected ${hex16(~foldSum(sum + 0xffff - stored))})`;
  }
  add('ip.checksum', `Header checksum: ${hex16(stored)}${checkNote}`, 10, 2, n);
  const src = u32(bytes, 12);
  const dst = u32(bytes, 16);
  add('ip.src', `Source address: ${formatIpv4Address(src)}`, 12, 4, n);
  add('ip.dst', `Destination address: ${formatIpv4Address(dst)}`, 16, 4, n);
  add('ip.options', `IPv4 options: ${headerLength - 20} bytes`, 20, headerLength - 20, n);

  // The IP payload ends at the total length when that is sane; bytes after it are a trailer.
  const end = totalLength >= headerLength && totalLength <= n ? totalLength : n;
  if (end < n) add('ip.trailer', `Trailer: ${n - end} bytes past the IPv4 total length (ignored)`, end, n - end, n);
  if (protocol !== 6) {
    add('ip.payload', `${protocolName(protocol)} payload: ${end - headerLength} bytes (not decoded)`, headerLength, end - headerLength, end);
    return out;
  }
  layoutTcp(bytes, headerLength, end, src, dst, add);
  return out;
}

type Add = (name: string, label: string, offset: number, length: number, limit: number, bits?: [number, number]) => void;

/** TCP header (RFC 9293 §3.1) at bytes[t, end). */
function layoutTcp(bytes: Uint8Array, t: number, end: number, src: number, dst: number, add: Add): void {
  if (t >= end) return;
  add('tcp.srcport', `Source port: ${u16(bytes, t)}`, t, 2, end);
  add('tcp.dstport', `Destination port: ${u16(bytes, t + 2)}`, t + 2, 2, end);
  add('tcp.seq', `Sequence number: ${u32(bytes, t + 4)}`, t + 4, 4, end);
  add('tcp.ack', `Acknowledgment number: ${u32(bytes, t + 8)}`, t + 8, 4, end);
  const dataOffset = (bytes[t + 12] ?? 0) >>> 4;
  add('tcp.hdr_len', `Data offset: ${dataOffset} (${dataOffset * 4} bytes)`, t + 12, 1, end, [0, 4]);
  add('tcp.flags.res', `Reserved: ${(bytes[t + 12] ?? 0) & 0x0f}`, t + 12, 1, end, [4, 8]);
  const flags = bytes[t + 13] ?? 0;
  const names = flagNames(flags);
  add('tcp.flags', `Flags: 0x${flags.toString(16).padStart(2, '0')} (${names === '' ? 'none' : names})`, t + 13, 1, end);
  TCP_FLAG_BITS.forEach(([name, label, bit], i) => add(name, `${label}: ${setOrNot((flags & bit) !== 0)}`, t + 13, 1, end, [i, i + 1]));
  add('tcp.window', `Window: ${u16(bytes, t + 14)}`, t + 14, 2, end);
  const stored = u16(bytes, t + 16);
  const length = end - t;
  let checkNote = '';
  if (length >= 20 && length <= 0xffff) {
    const sum = onesComplementSum(bytes, t, end, pseudoHeaderSum(src, dst, 6, length));
    checkNote = sum === 0xffff ? ' (correct)' : ` (wrong, expected ${hex16(~foldSum(sum + 0xffff - stored))})`;
  }
  add('tcp.checksum', `Checksum: ${hex16(stored)}${checkNote}`, t + 16, 2, end);
  add('tcp.urgent_pointer', `Urgent pointer: ${u16(bytes, t + 18)}`, t + 18, 2, end);
  const headerEnd = Math.min(t + Math.max(dataOffset * 4, 20), end);
  layoutOptions(bytes, t + 20, headerEnd, add);
  add('tcp.payload', `TCP payload: ${end - headerEnd} bytes`, headerEnd, end - headerEnd, end);
}

/** Each option in bytes[start, end) (RFC 9293 §3.2, RFC 2018, RFC 7323). */
function layoutOptions(bytes: Uint8Array, start: number, end: number, add: Add): void {
  let i = start;
  while (i < end) {
    const kind = bytes[i]!;
    if (kind === OptionKind.EOL) {
      add('tcp.options.eol', 'End of option list', i, 1, end);
      add('tcp.options.padding', `Padding: ${end - i - 1} bytes`, i + 1, end - i - 1, end);
      return;
    }
    if (kind === OptionKind.NOP) {
      add('tcp.options.nop', 'No-operation (NOP)', i, 1, end);
      i++;
      continue;
    }
    const length = bytes[i + 1];
    if (length === undefined || i + 1 >= end || length < 2 || i + length > end) {
      const why = i + 1 >= end || length === undefined ? 'no length byte' : length < 2 ? `length ${length} < 2` : `length ${length} runs past the header`;
      add('tcp.options.malformed', `Malformed option kind ${kind}: ${why}`, i, end - i, end);
      return;
    }
    add(...describeOption(bytes, i, kind, length), i, length, end);
    i += length;
  }
}

function describeOption(bytes: Uint8Array, i: number, kind: number, length: number): [string, string] {
  // A known kind with the wrong length is still located, and the label says what is wrong.
  const known = (want: number, name: string, title: string, value: () => string): [string, string] =>
    length === want ? [name, `${title}${value()}`] : [name, `${title}: wrong length ${length}, expected ${want}`];
  switch (kind) {
    case OptionKind.MSS:
      return known(4, 'tcp.options.mss', 'Maximum segment size', () => `: ${u16(bytes, i + 2)} bytes`);
    case OptionKind.WINDOW_SCALE:
      return known(3, 'tcp.options.wscale', 'Window scale', () => {
        const shift = bytes[i + 2] ?? 0;
        return `: ${shift} (multiply by ${2 ** Math.min(shift, 14)})`; // RFC 7323 §2.3 caps at 14
      });
    case OptionKind.SACK_PERMITTED:
      return known(2, 'tcp.options.sack_perm', 'SACK permitted', () => '');
    case OptionKind.TIMESTAMPS:
      return known(10, 'tcp.options.timestamp', 'Timestamps', () => `: TSval ${u32(bytes, i + 2)}, TSecr ${u32(bytes, i + 6)}`);
    case OptionKind.SACK: {
      const blocks: string[] = [];
      for (let b = i + 2; b + 8 <= i + length; b += 8) blocks.push(`${u32(bytes, b)}-${u32(bytes, b + 4)}`);
      const ok = length >= 10 && (length - 2) % 8 === 0;
      return ['tcp.options.sack', ok ? `SACK: ${blocks.join(' ')}` : `SACK: wrong length ${length}, expected 2 + 8 per block`];
    }
    default:
      return ['tcp.options.unknown', `Unknown option kind ${kind}, length ${length}`];
  }
}
