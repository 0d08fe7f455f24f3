// Text for a segment as students read it: flags, then seq/ack relative to each side's ISN
// (as Wireshark shows them), or absolute on request.
import { Flag } from '../../workers/tcp/wire/types.ts';
import { flagNames } from '../../workers/tcp/wire/describe.ts';
import type { SegmentRow } from './segments.ts';

type Numbers = Pick<SegmentRow, 'flags' | 'seq' | 'ack' | 'len' | 'window' | 'windowShift' | 'seqBase' | 'ackBase' | 'seg'>;

/** Sequence number as shown: relative to the sender's ISN unless `absolute` or no base is known. */
export function shownSeq(row: Numbers, absolute: boolean): number {
  return absolute || row.seqBase === null ? row.seq : (row.seq - row.seqBase) >>> 0;
}

/** Acknowledgment number as shown: relative to the receiver's ISN unless `absolute` or unknown. */
export function shownAck(row: Numbers, absolute: boolean): number {
  return absolute || row.ackBase === null ? row.ack : (row.ack - row.ackBase) >>> 0;
}

/** The window in bytes (the raw field scaled by the negotiated shift). */
export function windowBytes(row: Numbers): number {
  return row.window * 2 ** row.windowShift;
}

export function hasAck(row: Pick<SegmentRow, 'flags'>): boolean {
  return (row.flags & Flag.ACK) !== 0;
}

/** "SYN,ACK", or "<none>" for a segment with no control bit, "?" for an undecodable packet. */
export function flagsText(row: Pick<SegmentRow, 'flags' | 'seg'>): string {
  if (row.seg === null) return '?';
  const names = flagNames(row.flags);
  return names === '' ? '<none>' : names;
}

/** "SYN,ACK seq=0 ack=1 len=0 win=65535": what the ladder writes on an arrow. */
export function segmentLabel(row: Numbers, absolute = false): string {
  if (row.seg === null) return 'undecodable packet';
  let s = `${flagsText(row)} seq=${shownSeq(row, absolute)}`;
  if (hasAck(row)) s += ` ack=${shownAck(row, absolute)}`;
  return `${s} len=${row.len} win=${windowBytes(row)}`;
}

const NETWORK_DROP: Record<string, string> = {
  loss: 'lost',
  corrupt: 'corrupted',
  rule: 'dropped by a rule',
  'rate-limit': 'dropped (rate limit)',
};

const FAULT_NOTE: Record<string, string> = {
  duplicate: 'duplicated',
  reorder: 'reordered',
  delay: 'delayed',
  hold: 'held',
  loss: 'lost',
  corrupt: 'corrupted',
  rule: 'dropped by a rule',
  'rate-limit': 'dropped (rate limit)',
};

/** Short notes on what happened to a row: "retransmission", "dropped: no-listener", "lost", … */
export function rowNotes(row: Pick<SegmentRow, 'drop' | 'retransmission' | 'duplicate' | 'outOfOrder' | 'dupAck' | 'faults'>): string[] {
  const notes: string[] = [];
  if (row.drop) notes.push(row.drop.by === 'network' ? NETWORK_DROP[row.drop.reason] ?? `lost (${row.drop.reason})` : `dropped: ${row.drop.reason}`);
  if (row.retransmission) notes.push('retransmission');
  if (row.duplicate) notes.push('duplicate');
  if (row.outOfOrder) notes.push('out of order');
  if (row.dupAck) notes.push('dup ACK');
  for (const f of row.faults) {
    const note = FAULT_NOTE[f] ?? f;
    if (!notes.includes(note) && !(f === 'duplicate' && row.duplicate)) notes.push(note);
  }
  return notes;
}

/** Milliseconds as "12.345 ms" (three decimals: the simulator's clock is fractional). */
export function formatMs(ms: number): string {
  return `${Number.isInteger(ms) ? ms : ms.toFixed(3)} ms`;
}

/**
 * A count with its thousands grouped by commas (26,082), as `toLocaleString('en')` writes it but
 * without Intl: the first locale-aware call in a page sets up ICU's number formatting, which took
 * 15 ms of CPU in the middle of a bulk transfer's first frames.
 */
export function groupDigits(n: number): string {
  if (!Number.isSafeInteger(n)) return String(n);
  const digits = String(Math.abs(n));
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? `-${out}` : out;
}
