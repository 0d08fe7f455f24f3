// TCP options (RFC 9293 §3.2; SACK RFC 2018; window scale and timestamps RFC 7323).
// Every option but EOL and NOP is kind, length, value; the length counts the kind and length
// bytes. Options live between byte 20 and the data offset, at most 40 bytes.
import type { Decoded, SackBlock, TcpOptions } from './types.ts';
import { OptionKind } from './types.ts';

export const MAX_OPTIONS_LENGTH = 40;

const KIND_NAMES: Record<number, string> = {
  [OptionKind.MSS]: 'MSS',
  [OptionKind.WINDOW_SCALE]: 'window scale',
  [OptionKind.SACK_PERMITTED]: 'SACK-permitted',
  [OptionKind.SACK]: 'SACK',
  [OptionKind.TIMESTAMPS]: 'timestamps',
};

/** "MSS option (kind 2)", "option kind 30": how reasons name an option. */
export function optionName(kind: number): string {
  const name = KIND_NAMES[kind];
  return name === undefined ? `option kind ${kind}` : `${name} option (kind ${kind})`;
}

function u32(b: Uint8Array, i: number): number {
  return ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
}

function wrongLength(kind: number, at: number, length: number, expected: string): Decoded<TcpOptions> {
  return {
    ok: false,
    reason: `${optionName(kind)} at byte ${at} has length ${length}, expected ${expected}`,
  };
}

/**
 * Decode the options in bytes[start, end) (a TCP header's option area; byte positions in
 * reasons count from the start of `bytes`, i.e. of the TCP header). The result holds only the
 * options present. A repeated option overwrites the earlier one.
 */
export function decodeTcpOptions(bytes: Uint8Array, start: number, end: number): Decoded<TcpOptions> {
  const options: TcpOptions = {};
  let i = start;
  while (i < end) {
    const kind = bytes[i]!;
    if (kind === OptionKind.EOL) break; // end of option list: the rest is padding
    if (kind === OptionKind.NOP) {
      i++;
      continue;
    }
    if (i + 1 >= end) {
      return {
        ok: false,
        reason: `${optionName(kind)} at byte ${i} has no room for its length byte: the TCP header ends at byte ${end}`,
      };
    }
    const length = bytes[i + 1]!;
    if (length < 2) {
      return {
        ok: false,
        reason:
          `${optionName(kind)} at byte ${i} has length ${length}; ` +
          'an option length counts its kind and length bytes, so it must be at least 2',
      };
    }
    if (i + length > end) {
      return {
        ok: false,
        reason: `${optionName(kind)} at byte ${i} has length ${length} and runs past the end of the TCP header (byte ${end})`,
      };
    }
    switch (kind) {
      case OptionKind.MSS:
        if (length !== 4) return wrongLength(kind, i, length, '4');
        options.mss = (bytes[i + 2]! << 8) | bytes[i + 3]!;
        break;
      case OptionKind.WINDOW_SCALE:
        if (length !== 3) return wrongLength(kind, i, length, '3');
        // Kept raw; RFC 7323 §2.3 says a receiver treats a shift above 14 as 14: that is the
        // endpoint's decision, and a student should see what was actually sent.
        options.windowScale = bytes[i + 2]!;
        break;
      case OptionKind.SACK_PERMITTED:
        if (length !== 2) return wrongLength(kind, i, length, '2');
        options.sackPermitted = true;
        break;
      case OptionKind.SACK: {
        if (length < 10 || (length - 2) % 8 !== 0) {
          return wrongLength(kind, i, length, '2 + 8 per block (10, 18, 26 or 34)');
        }
        const blocks: SackBlock[] = [];
        for (let b = i + 2; b < i + length; b += 8) blocks.push({ left: u32(bytes, b), right: u32(bytes, b + 4) });
        options.sackBlocks = blocks;
        break;
      }
      case OptionKind.TIMESTAMPS:
        if (length !== 10) return wrongLength(kind, i, length, '10');
        options.timestamps = { tsVal: u32(bytes, i + 2), tsEcr: u32(bytes, i + 6) };
        break;
      default:
        // RFC 9293 §3.2: options we do not know are skipped by their length.
        (options.unknown ??= []).push({ kind, length });
    }
    i += length;
  }
  return { ok: true, value: options };
}

/** How many SACK blocks fit after the other options, with their two NOPs, kind and length. */
function sackBlocksThatFit(options: TcpOptions, usedByOthers: number): number {
  const wanted = options.sackBlocks?.length ?? 0;
  if (wanted === 0) return 0;
  const room = Math.floor((MAX_OPTIONS_LENGTH - usedByOthers - 4) / 8);
  return Math.max(0, Math.min(wanted, room));
}

/** Bytes the non-SACK options take in the Linux layout (each piece a multiple of 4). */
function lengthWithoutSack(options: TcpOptions): number {
  let n = 0;
  if (options.mss !== undefined) n += 4;
  if (options.timestamps !== undefined) n += 12; // SACK-permitted or two NOPs, then timestamps
  else if (options.sackPermitted === true) n += 4; // NOP, NOP, SACK-permitted
  if (options.windowScale !== undefined) n += 4; // NOP, window scale
  return n;
}

/**
 * Bytes `encodeTcpOptions` will write: a multiple of 4, at most 40. `unknown` is never emitted,
 * and SACK blocks that do not fit are dropped from the end (the first block is the most
 * recent, RFC 2018 §4), so at most 3 go with timestamps and 4 without.
 */
export function tcpOptionsLength(options: TcpOptions): number {
  const others = lengthWithoutSack(options);
  const blocks = sackBlocksThatFit(options, others);
  const total = others + (blocks > 0 ? 4 + 8 * blocks : 0);
  return (total + 3) & ~3; // already aligned with this layout; kept so a new option cannot break it
}

function put32(t: Uint8Array, i: number, v: number): void {
  t[i] = v >>> 24;
  t[i + 1] = v >>> 16;
  t[i + 2] = v >>> 8;
  t[i + 3] = v;
}

/**
 * Write the options at target[at] laid out as Linux does (tcp_options_write): MSS; SACK-permitted
 * and timestamps together (or NOP, NOP and whichever is alone); NOP and window scale; NOP, NOP
 * and SACK blocks. Every piece is 32-bit aligned, so the fields stay word aligned as RFC 7323
 * appendix A recommends. Returns the bytes written (= tcpOptionsLength).
 */
export function encodeTcpOptions(target: Uint8Array, at: number, options: TcpOptions): number {
  const start = at;
  if (options.mss !== undefined) {
    target[at] = OptionKind.MSS;
    target[at + 1] = 4;
    target[at + 2] = options.mss >>> 8;
    target[at + 3] = options.mss;
    at += 4;
  }
  const ts = options.timestamps;
  if (ts !== undefined) {
    if (options.sackPermitted === true) {
      target[at] = OptionKind.SACK_PERMITTED;
      target[at + 1] = 2;
    } else {
      target[at] = OptionKind.NOP;
      target[at + 1] = OptionKind.NOP;
    }
    target[at + 2] = OptionKind.TIMESTAMPS;
    target[at + 3] = 10;
    put32(target, at + 4, ts.tsVal);
    put32(target, at + 8, ts.tsEcr);
    at += 12;
  } else if (options.sackPermitted === true) {
    target[at] = OptionKind.NOP;
    target[at + 1] = OptionKind.NOP;
    target[at + 2] = OptionKind.SACK_PERMITTED;
    target[at + 3] = 2;
    at += 4;
  }
  if (options.windowScale !== undefined) {
    target[at] = OptionKind.NOP;
    target[at + 1] = OptionKind.WINDOW_SCALE;
    target[at + 2] = 3;
    target[at + 3] = options.windowScale;
    at += 4;
  }
  const blocks = sackBlocksThatFit(options, at - start);
  if (blocks > 0) {
    const list = options.sackBlocks!;
    target[at] = OptionKind.NOP;
    target[at + 1] = OptionKind.NOP;
    target[at + 2] = OptionKind.SACK;
    target[at + 3] = 2 + 8 * blocks;
    at += 4;
    for (let b = 0; b < blocks; b++) {
      const block = list[b]!;
      put32(target, at, block.left);
      put32(target, at + 4, block.right);
      at += 8;
    }
  }
  while ((at - start) & 3) target[at++] = OptionKind.EOL; // pad to a 32-bit boundary
  return at - start;
}
