// Reading capture files as a stream: feed chunks, get frames. pcap (libpcap's format, both byte
// orders, microsecond and nanosecond magic) and pcapng (draft-ietf-opsawg-pcapng: SHB in either
// byte order, IDB with if_tsresol, EPB, SPB, obsolete PB; unknown blocks skipped by length).
// Never throws: a damaged file stops the reading with a message saying what was read and where.

/** One captured frame, as the file holds it (the link layer is decoded by link.ts). */
export interface CapturedFrame {
  /** 1-based frame number, as Wireshark numbers frames. */
  number: number;
  /** Seconds since the epoch (a float: sub-microsecond digits do not survive; see seconds/nanos). */
  time: number;
  /** The same instant exactly: whole seconds and nanoseconds within the second (NaN when unknown). */
  seconds: number;
  nanos: number;
  interfaceId: number;
  linkType: number;
  /** Bytes on the wire (orig_len). */
  length: number;
  /** The captured bytes (caplen of them; fewer than `length` when the snaplen cut it). */
  data: Uint8Array;
  /** Byte offset of the record in the file. */
  offset: number;
}

export interface CaptureInterface {
  linkType: number;
  snapLength: number;
  /** Seconds per timestamp unit (1e-6 unless if_tsresol says otherwise). */
  tickSeconds: number;
  /** if_tsresol as read (6 = microseconds; high bit set = a power of two). */
  resolution: number;
  name?: string;
}

export type CaptureFormat = 'pcap' | 'pcapng' | 'unknown';

export interface ReadStatus {
  format: CaptureFormat;
  byteOrder: 'little' | 'big' | 'unknown';
  /** Frames returned. */
  frames: number;
  /** Bytes consumed as whole records. */
  bytesRead: number;
  interfaces: CaptureInterface[];
  /** Blocks skipped because their type is not one we read (pcapng). */
  skippedBlocks: number;
  /** Set when reading stopped early: what went wrong, at which byte, and what was read. */
  error?: string;
  /** Set by end() when the file ended inside a record. */
  truncatedTail?: string;
}

/** A record claiming more than this is treated as damage (no link layer frame is this big). */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;

const PCAP_MICRO = 0xa1b2c3d4;
const PCAP_NANO = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

const BLOCK_IDB = 1;
const BLOCK_PB = 2;
const BLOCK_SPB = 3;
const BLOCK_EPB = 6;

/** pcapng if_tsresol: high bit clear = 10^-n seconds, set = 2^-n seconds. */
function tickFromResolution(v: number): number {
  return v & 0x80 ? 2 ** -(v & 0x7f) : 10 ** -(v & 0x7f);
}

/** A 64-bit tick count split exactly into seconds and nanoseconds (BigInt: ticks pass 2^53). */
function splitTicks(hi: number, lo: number, resolution: number): { seconds: number; nanos: number } {
  const ticks = (BigInt(hi) << 32n) | BigInt(lo);
  const exp = resolution & 0x7f;
  const perSecond = resolution & 0x80 ? 1n << BigInt(exp) : 10n ** BigInt(exp);
  const seconds = Number(ticks / perSecond);
  const rest = ticks % perSecond;
  return { seconds, nanos: Number((rest * 1_000_000_000n) / perSecond) };
}

export class CaptureReader {
  private buf: Uint8Array = new Uint8Array(0);
  /** File offset of buf[0]. */
  private base = 0;
  private little = true;
  private pcapTick = 1e-6;
  private pcapLink = 0;
  private pcapSnap = 0;
  private stopped = false;
  readonly status: ReadStatus = { format: 'unknown', byteOrder: 'unknown', frames: 0, bytesRead: 0, interfaces: [], skippedBlocks: 0 };

  /** Feed the next chunk; returns the frames completed by it. */
  push(chunk: Uint8Array): CapturedFrame[] {
    const out: CapturedFrame[] = [];
    if (this.stopped || chunk.length === 0) return out;
    if (this.buf.length === 0) this.buf = chunk;
    else {
      const joined = new Uint8Array(this.buf.length + chunk.length);
      joined.set(this.buf);
      joined.set(chunk, this.buf.length);
      this.buf = joined;
    }
    let at = 0;
    for (;;) {
      const used = this.next(at, out);
      if (used <= 0) break;
      at += used;
    }
    this.buf = at >= this.buf.length ? new Uint8Array(0) : this.buf.subarray(at);
    this.base += at;
    this.status.bytesRead = this.base;
    return out;
  }

  /** The file has ended: note a record cut short, if any. */
  end(): ReadStatus {
    if (!this.stopped && this.buf.length > 0) {
      this.status.truncatedTail =
        `the file ends inside a record: ${this.buf.length} bytes from byte ${this.base} were not read ` +
        `(${this.status.frames} frames before them were)`;
    }
    if (this.status.format === 'unknown' && !this.status.error) {
      this.status.error = `not a pcap or pcapng file: only ${this.base + this.buf.length} bytes, too short for a file header`;
    }
    this.stopped = true;
    return this.status;
  }

  private fail(offset: number, what: string): number {
    this.stopped = true;
    this.status.error = `${what} at byte ${offset}; ${this.status.frames} frames (${offset} bytes) before it were read, the rest was not`;
    return 0;
  }

  private u16(i: number): number {
    const b = this.buf;
    return this.little ? b[i]! | (b[i + 1]! << 8) : (b[i]! << 8) | b[i + 1]!;
  }

  private u32(i: number): number {
    const b = this.buf;
    return this.little
      ? (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0
      : ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
  }

  /** Parse one record at buf[at]; returns the bytes it used, 0 when more bytes are needed or reading stopped. */
  private next(at: number, out: CapturedFrame[]): number {
    if (this.stopped) return 0;
    const avail = this.buf.length - at;
    if (this.status.format === 'unknown') {
      if (avail < 4) return 0;
      const b = this.buf;
      const be = ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
      const le = (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
      if (be === PCAPNG_SHB) {
        this.status.format = 'pcapng';
        return this.pcapngBlock(at, out);
      }
      for (const [v, little] of [[le, true], [be, false]] as const) {
        if (v === PCAP_MICRO || v === PCAP_NANO) {
          if (avail < 24) return 0;
          this.little = little;
          this.status.format = 'pcap';
          this.status.byteOrder = little ? 'little' : 'big';
          this.pcapTick = v === PCAP_NANO ? 1e-9 : 1e-6;
          this.pcapSnap = this.u32(at + 16);
          // The link type is the low 28 bits (the upper bits carry FCS length, pcap-savefile(5)).
          this.pcapLink = this.u32(at + 20) & 0x0fffffff;
          this.status.interfaces.push({ linkType: this.pcapLink, snapLength: this.pcapSnap, tickSeconds: this.pcapTick, resolution: v === PCAP_NANO ? 9 : 6 });
          return 24;
        }
      }
      return this.fail(this.base + at, `not a pcap or pcapng file: the first 4 bytes are 0x${be.toString(16).padStart(8, '0')}, no known magic number`);
    }
    return this.status.format === 'pcap' ? this.pcapRecord(at, out) : this.pcapngBlock(at, out);
  }

  private pcapRecord(at: number, out: CapturedFrame[]): number {
    if (this.buf.length - at < 16) return 0;
    const caplen = this.u32(at + 8);
    const length = this.u32(at + 12);
    if (caplen > MAX_RECORD_BYTES) {
      return this.fail(this.base + at, `damaged pcap record: it claims ${caplen} captured bytes (more than ${MAX_RECORD_BYTES})`);
    }
    if (this.buf.length - at < 16 + caplen) return 0;
    const seconds = this.u32(at);
    const nanos = this.u32(at + 4) * (this.pcapTick === 1e-9 ? 1 : 1000);
    this.status.frames++;
    out.push({
      number: this.status.frames,
      time: seconds + nanos / 1e9,
      seconds,
      nanos,
      interfaceId: 0,
      linkType: this.pcapLink,
      length: Math.max(length, caplen),
      data: this.buf.slice(at + 16, at + 16 + caplen),
      offset: this.base + at,
    });
    return 16 + caplen;
  }

  private pcapngBlock(at: number, out: CapturedFrame[]): number {
    const avail = this.buf.length - at;
    if (avail < 12) return 0;
    const b = this.buf;
    const typeBE = ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
    if (typeBE === PCAPNG_SHB) {
      // A new section: its byte-order magic decides how every later number is read.
      const magicLE = (b[at + 8]! | (b[at + 9]! << 8) | (b[at + 10]! << 16) | (b[at + 11]! << 24)) >>> 0;
      const magicBE = ((b[at + 8]! << 24) | (b[at + 9]! << 16) | (b[at + 10]! << 8) | b[at + 11]!) >>> 0;
      if (magicLE === BYTE_ORDER_MAGIC) this.little = true;
      else if (magicBE === BYTE_ORDER_MAGIC) this.little = false;
      else return this.fail(this.base + at, 'damaged pcapng section header: its byte-order magic is not 0x1a2b3c4d in either order');
      this.status.byteOrder = this.little ? 'little' : 'big';
      // Interface ids count from 0 in each section.
      this.status.interfaces = [];
    }
    const blockType = this.u32(at);
    const total = this.u32(at + 4);
    if (total < 12 || total % 4 !== 0 || total > MAX_RECORD_BYTES) {
      return this.fail(this.base + at, `damaged pcapng block (type ${blockType}): its length ${total} is not a multiple of 4 between 12 and ${MAX_RECORD_BYTES}`);
    }
    if (avail < total) return 0;
    if (this.u32(at + total - 4) !== total) {
      return this.fail(this.base + at, `damaged pcapng block (type ${blockType}): its trailing length ${this.u32(at + total - 4)} differs from its leading length ${total}`);
    }
    const body = at + 8;
    const bodyEnd = at + total - 4;
    switch (blockType) {
      case PCAPNG_SHB:
        break;
      case BLOCK_IDB: {
        if (bodyEnd - body < 8) return this.fail(this.base + at, 'damaged interface description block: shorter than its 8 fixed bytes');
        const iface: CaptureInterface = { linkType: this.u16(body), snapLength: this.u32(body + 4), tickSeconds: 1e-6, resolution: 6 };
        this.readIdbOptions(body + 8, bodyEnd, iface);
        this.status.interfaces.push(iface);
        break;
      }
      case BLOCK_EPB:
      case BLOCK_PB: {
        if (bodyEnd - body < 20) return this.fail(this.base + at, `damaged packet block: shorter than its 20 fixed bytes`);
        const id = blockType === BLOCK_EPB ? this.u32(body) : this.u16(body);
        const iface = this.status.interfaces[id];
        if (iface === undefined) {
          return this.fail(this.base + at, `packet block for interface ${id}, but only ${this.status.interfaces.length} interfaces were described before it`);
        }
        const { seconds, nanos } = splitTicks(this.u32(body + 4), this.u32(body + 8), iface.resolution);
        const caplen = this.u32(body + 12);
        const length = this.u32(body + 16);
        if (body + 20 + caplen > bodyEnd) {
          return this.fail(this.base + at, `damaged packet block: ${caplen} captured bytes do not fit in a block of ${total}`);
        }
        this.status.frames++;
        out.push({
          number: this.status.frames,
          time: seconds + nanos / 1e9,
          seconds,
          nanos,
          interfaceId: id,
          linkType: iface.linkType,
          length: Math.max(length, caplen),
          data: this.buf.slice(body + 20, body + 20 + caplen),
          offset: this.base + at,
        });
        break;
      }
      case BLOCK_SPB: {
        const iface = this.status.interfaces[0];
        if (iface === undefined || bodyEnd - body < 4) {
          return this.fail(this.base + at, 'simple packet block with no interface 0 described before it');
        }
        const length = this.u32(body);
        // The captured part is what the block holds, at most the snaplen (0 means no limit).
        let caplen = Math.min(length, bodyEnd - body - 4);
        if (iface.snapLength > 0) caplen = Math.min(caplen, iface.snapLength);
        this.status.frames++;
        out.push({
          number: this.status.frames,
          time: Number.NaN, // an SPB carries no timestamp
          seconds: Number.NaN,
          nanos: Number.NaN,
          interfaceId: 0,
          linkType: iface.linkType,
          length,
          data: this.buf.slice(body + 4, body + 4 + caplen),
          offset: this.base + at,
        });
        break;
      }
      default:
        this.status.skippedBlocks++;
    }
    return total;
  }

  private readIdbOptions(i: number, end: number, iface: CaptureInterface): void {
    while (i + 4 <= end) {
      const code = this.u16(i);
      const len = this.u16(i + 2);
      if (code === 0 || i + 4 + len > end) return; // opt_endofopt, or an option cut short
      if (code === 9 && len >= 1) {
        iface.resolution = this.buf[i + 4]!;
        iface.tickSeconds = tickFromResolution(iface.resolution);
      }
      if (code === 2 && len > 0) iface.name = new TextDecoder().decode(this.buf.subarray(i + 4, i + 4 + len));
      i += 4 + ((len + 3) & ~3);
    }
  }
}
