// Human-readable one-liners for segments, in the spirit of Wireshark's Info column.
import type { TcpSegment } from './types.ts';
import { Flag } from './types.ts';

/** The order a student reads the control bits in: what opens, closes or aborts first. */
const FLAG_ORDER: readonly (readonly [string, number])[] = [
  ['SYN', Flag.SYN],
  ['FIN', Flag.FIN],
  ['RST', Flag.RST],
  ['PSH', Flag.PSH],
  ['ACK', Flag.ACK],
  ['URG', Flag.URG],
  ['ECE', Flag.ECE],
  ['CWR', Flag.CWR],
];

/** "SYN", "SYN,ACK", "FIN,ACK", "PSH,ACK", … ; "" when no bit is set. */
export function flagNames(flags: number): string {
  let out = '';
  for (const [name, bit] of FLAG_ORDER) {
    if ((flags & bit) !== 0) out = out === '' ? name : `${out},${name}`;
  }
  return out;
}

/**
 * One line such as `49152 → 80 [SYN] seq=0 win=65535 len=0 MSS=1460 SACK_PERM WS=7`.
 * With `relativeTo`, seq is shown minus relativeTo.seq (the sender's ISN) and ack and SACK
 * edges minus relativeTo.ack (the receiver's ISN), modulo 2^32, as Wireshark's relative
 * sequence numbers do. WS shows the shift count as sent, not the multiplier.
 */
export function summarize(seg: TcpSegment, opts?: { relativeTo?: { seq: number; ack: number } }): string {
  const rel = opts?.relativeTo;
  const seqBase = rel?.seq ?? 0;
  const ackBase = rel?.ack ?? 0;
  const names = flagNames(seg.flags);
  const parts = [`${seg.srcPort} → ${seg.dstPort} [${names === '' ? '<None>' : names}]`];
  parts.push(`seq=${(seg.seq - seqBase) >>> 0}`);
  if ((seg.flags & Flag.ACK) !== 0) parts.push(`ack=${(seg.ack - ackBase) >>> 0}`);
  parts.push(`win=${seg.window}`, `len=${seg.payload.length}`);
  if ((seg.flags & Flag.URG) !== 0) parts.push(`urp=${seg.urgent}`);
  const o = seg.options;
  if (o.mss !== undefined) parts.push(`MSS=${o.mss}`);
  if (o.sackPermitted === true) parts.push('SACK_PERM');
  if (o.timestamps !== undefined) parts.push(`TSval=${o.timestamps.tsVal}`, `TSecr=${o.timestamps.tsEcr}`);
  if (o.windowScale !== undefined) parts.push(`WS=${o.windowScale}`);
  for (const b of o.sackBlocks ?? []) parts.push(`SLE=${(b.left - ackBase) >>> 0}`, `SRE=${(b.right - ackBase) >>> 0}`);
  return parts.join(' ');
}
