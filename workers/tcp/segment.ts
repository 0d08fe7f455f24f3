// Facts about a segment that the sending and the receiving half both use.
import { Flag, type TcpSegment } from './wire/types.ts';

/** The largest window the 16-bit field can carry before scaling (RFC 9293 §3.1). */
export const MAX_WINDOW_FIELD = 0xffff;
/** RFC 7323 §2.3: a shift count above 14 is treated as 14. */
export const MAX_WSCALE = 14;
/** The payload of a segment without data. */
export const EMPTY = new Uint8Array(0);

/** SEG.LEN: data plus one for each of SYN and FIN (§3.4). */
export function segLen(seg: TcpSegment): number {
  return seg.payload.length + (seg.flags & Flag.SYN ? 1 : 0) + (seg.flags & Flag.FIN ? 1 : 0);
}
