// What the relay checks before it routes a frame. Like a switch port with source guard: the
// IPv4 header must be sound and the source must be the sender's own address. The TCP segment
// inside is never looked at: finding faults there is the endpoints' (and the students') job.
import { checkIpv4Header, formatIpv4Address, protocolName } from '../workers/tcp/wire/ipv4.ts';
import { IPPROTO_TCP } from '../workers/tcp/wire/types.ts';
import type { NoticeDropReason } from './protocol/messages.ts';

export interface FrameProblem {
  reason: NoticeDropReason;
  /** For the sender: what is wrong, in a sentence. */
  detail: string;
}

/**
 * The destination address (unsigned 32-bit) of a frame that may be routed, or what is wrong
 * with it. Returning a bare number on success keeps the hot path free of a result object of
 * our own.
 */
export function checkFrame(frame: Uint8Array, sender: number, mtu: number): number | FrameProblem {
  if (frame.length > mtu) {
    return { reason: 'over-mtu', detail: `packet of ${frame.length} bytes is larger than the MTU (${mtu} bytes)` };
  }
  const ip = checkIpv4Header(frame);
  if (!ip.ok) return { reason: 'malformed', detail: ip.reason };
  const h = ip.value;
  // The codec accepts trailing bytes (link padding); on this link a message is exactly one packet.
  if (h.totalLength !== frame.length) {
    return {
      reason: 'bad-length',
      detail: `IPv4 total length ${h.totalLength} differs from the message length ${frame.length}: send exactly one packet per message`,
    };
  }
  if (h.protocol !== IPPROTO_TCP) {
    return { reason: 'not-tcp', detail: `IP protocol ${protocolName(h.protocol)} is not TCP (6): this relay carries only TCP` };
  }
  if (h.src !== sender) {
    return {
      reason: 'spoofed',
      detail: `source address ${formatIpv4Address(h.src)} is not your address ${formatIpv4Address(sender)}`,
    };
  }
  return h.dst;
}
