// Classic libpcap capture files (the format of tcpdump -w; see the pcap-savefile man page and
// draft-ietf-opsawg-pcap). Link type 101, LINKTYPE_RAW: each record is a bare IPv4 packet, no
// Ethernet header, which is exactly what our endpoints exchange. Wireshark and tshark open it.
//
// File: a 24-byte global header, then per packet a 16-byte record header and the packet bytes.
// We write little-endian (the writer's choice; the magic number tells readers the byte order)
// with microsecond timestamps; we read either byte order, microsecond or nanosecond magic.
import type { Decoded } from './wire/types.ts';

export const PCAP_MAGIC_MICROS = 0xa1b2c3d4;
export const PCAP_MAGIC_NANOS = 0xa1b23c4d;
export const LINKTYPE_RAW = 101;
export const PCAP_SNAPLEN = 65535;
export const PCAP_HEADER_LENGTH = 24;
export const PCAP_RECORD_HEADER_LENGTH = 16;

export interface PcapPacket {
  /** Capture time in milliseconds (fractional part down to the file's resolution). */
  timeMs: number;
  /** The captured bytes: a view into the file's bytes, not a copy. */
  bytes: Uint8Array;
}

/** The 24-byte global header. */
export function pcapHeader(linkType = LINKTYPE_RAW, snaplen = PCAP_SNAPLEN): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(PCAP_HEADER_LENGTH);
  const v = new DataView(out.buffer);
  v.setUint32(0, PCAP_MAGIC_MICROS, true);
  v.setUint16(4, 2, true); // version 2.4, unchanged since 1998
  v.setUint16(6, 4, true);
  v.setInt32(8, 0, true); // thiszone: timestamps are UTC
  v.setUint32(12, 0, true); // sigfigs: always 0 in practice
  v.setUint32(16, snaplen, true);
  v.setUint32(20, linkType, true);
  return out;
}

/**
 * One record: a 16-byte record header and a copy of the packet (cut to `snaplen`, with the
 * original length kept in orig_len as tcpdump does). `timeMs` is rounded to the microsecond;
 * negative or non-finite times are written as 0.
 */
export function pcapRecord(packet: Uint8Array, timeMs: number, snaplen = PCAP_SNAPLEN): Uint8Array<ArrayBuffer> {
  const captured = Math.min(packet.length, snaplen);
  const out = new Uint8Array(PCAP_RECORD_HEADER_LENGTH + captured);
  const v = new DataView(out.buffer);
  const micros = Number.isFinite(timeMs) && timeMs > 0 ? Math.round(timeMs * 1000) : 0;
  v.setUint32(0, Math.floor(micros / 1_000_000) >>> 0, true);
  v.setUint32(4, micros % 1_000_000, true);
  v.setUint32(8, captured, true);
  v.setUint32(12, packet.length, true);
  out.set(captured === packet.length ? packet : packet.subarray(0, captured), PCAP_RECORD_HEADER_LENGTH);
  return out;
}

export interface PcapWriter {
  /** The global header: the first chunk of the file. */
  readonly header: Uint8Array<ArrayBuffer>;
  /** Add one packet; returns its record, the next chunk to stream to a file. */
  write(packet: Uint8Array, timeMs: number): Uint8Array<ArrayBuffer>;
  /** Packets written so far. */
  readonly count: number;
  /** Every chunk so far, header first (for `new Blob(chunks)`); empty of records if not retained. */
  chunks(): Uint8Array<ArrayBuffer>[];
  /** The whole file so far as one array. */
  toBytes(): Uint8Array<ArrayBuffer>;
}

/**
 * A pcap writer. A browser keeps the records (the default) and builds a Blob from `chunks()`;
 * a Node shell streaming to a file passes `{ retain: false }`, writes `header` and then each
 * chunk `write` returns, so memory does not grow with the capture.
 */
export function createPcapWriter(opts: { retain?: boolean; linkType?: number; snaplen?: number } = {}): PcapWriter {
  const retain = opts.retain ?? true;
  const snaplen = opts.snaplen ?? PCAP_SNAPLEN;
  const header = pcapHeader(opts.linkType ?? LINKTYPE_RAW, snaplen);
  const records: Uint8Array<ArrayBuffer>[] = [];
  let count = 0;
  return {
    header,
    get count() {
      return count;
    },
    write(packet, timeMs) {
      const record = pcapRecord(packet, timeMs, snaplen);
      count++;
      if (retain) records.push(record);
      return record;
    },
    chunks() {
      return [header, ...records];
    },
    toBytes() {
      let length = header.length;
      for (const r of records) length += r.length;
      const out = new Uint8Array(length);
      out.set(header, 0);
      let at = header.length;
      for (const r of records) {
        out.set(r, at);
        at += r.length;
      }
      return out;
    },
  };
}

function magicOf(bytes: Uint8Array): number {
  return ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
}

/**
 * Read a classic pcap file in either byte order, with microsecond or nanosecond timestamps.
 * Packets are views into `bytes`. Never throws: a damaged file gives a reason.
 */
export function readPcap(
  bytes: Uint8Array,
): Decoded<{ linkType: number; packets: PcapPacket[] }> {
  if (bytes.length < PCAP_HEADER_LENGTH) {
    return {
      ok: false,
      reason: `truncated pcap file: ${bytes.length} bytes, the global header needs ${PCAP_HEADER_LENGTH}`,
    };
  }
  // The magic read big-endian tells both byte order and timestamp resolution.
  const magic = magicOf(bytes);
  let little: boolean;
  let nanos: boolean;
  switch (magic) {
    case 0xa1b2c3d4:
      [little, nanos] = [false, false];
      break;
    case 0xd4c3b2a1:
      [little, nanos] = [true, false];
      break;
    case 0xa1b23c4d:
      [little, nanos] = [false, true];
      break;
    case 0x4d3cb2a1:
      [little, nanos] = [true, true];
      break;
    case 0x0a0d0d0a: // pcapng's section header block
      return { ok: false, reason: 'this is a pcapng file, not classic pcap: save it as "Wireshark/tcpdump - pcap"' };
    default:
      return { ok: false, reason: `not a pcap file: magic number 0x${magic.toString(16).padStart(8, '0')}` };
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = v.getUint16(4, little);
  if (major !== 2) return { ok: false, reason: `unsupported pcap version ${major}.${v.getUint16(6, little)}, expected 2.4` };
  const linkType = v.getUint32(20, little) & 0x0fffffff; // the top bits may carry FCS information
  const packets: PcapPacket[] = [];
  let at = PCAP_HEADER_LENGTH;
  while (at < bytes.length) {
    const index = packets.length + 1;
    const left = bytes.length - at;
    if (left < PCAP_RECORD_HEADER_LENGTH) {
      return {
        ok: false,
        reason: `truncated pcap record header for packet ${index} at byte ${at}: ${left} bytes left, need ${PCAP_RECORD_HEADER_LENGTH}`,
      };
    }
    const seconds = v.getUint32(at, little);
    const fraction = v.getUint32(at + 4, little);
    const captured = v.getUint32(at + 8, little);
    const start = at + PCAP_RECORD_HEADER_LENGTH;
    if (captured > bytes.length - start) {
      return {
        ok: false,
        reason: `truncated pcap file: packet ${index} at byte ${at} claims ${captured} captured bytes, only ${bytes.length - start} remain`,
      };
    }
    // Microseconds: one exact integer divided once, so 1234.567 ms reads back as 1234.567.
    const timeMs = nanos ? seconds * 1000 + fraction / 1e6 : (seconds * 1e6 + fraction) / 1000;
    packets.push({ timeMs, bytes: bytes.subarray(start, start + captured) });
    at = start + captured;
  }
  return { ok: true, value: { linkType, packets } };
}
