// SYN cookies (RFC 4987 §3.6). When a listener's backlog is full, its SYN,ACK carries all the
// server needs in the ISN, and the server keeps nothing; the peer's ACK (SEG.ACK − 1) brings the
// cookie back. The encoding is the classic one:
//
//   bits 31…27  the time counter (one step per COOKIE_PERIOD) modulo 32
//   bits 26…24  an index into COOKIE_MSS: the largest entry not above the peer's MSS
//   bits 23…0   a keyed hash of the 4-tuple, the peer's ISN, the full counter and the MSS index
//
// The hash covers the MSS index, so a peer cannot pick a larger MSS by editing those bits, and the
// peer's ISN (SEG.SEQ − 1 of the ACK), so a cookie seen for one SYN is no use for another. Window
// scaling, SACK and timestamps cannot be carried: the cookie SYN,ACK offers none of them, and the
// connection runs without (we do not hide them in the timestamp option).
import { keyedHash, type FourTuple } from './isn.ts';
import type { RandomSource } from './random.ts';
import { seqAdd } from './seq.ts';
import { Flag, type TcpSegment } from './wire/types.ts';

/** One step of the time counter: 64 s, as in the classic scheme. */
export const COOKIE_PERIOD = 64_000;
/**
 * A cookie is valid in the step it was made in and the next one (between 64 and 128 s): a peer
 * answers a SYN,ACK within an RTT, and its first data segment, retransmitted for up to about a
 * minute, still carries the cookie. Older ones are refused, so a captured cookie soon goes stale.
 * Linux uses the same two steps (MAX_SYNCOOKIE_AGE) of 60 s.
 */
export const COOKIE_MAX_AGE = 1;
/** How long after its last cookie a listener still checks ACKs for cookies. */
export const COOKIE_LIFETIME = (COOKIE_MAX_AGE + 1) * COOKIE_PERIOD;
/** The MSS values three bits can carry. 64 is the smallest MSS the settings allow; 536 is RFC 9293's default; 1460 Ethernet's. */
export const COOKIE_MSS: readonly number[] = [64, 256, 536, 1024, 1220, 1360, 1440, 1460];

export type CookieCheck = { ok: true; mss: number } | { ok: false; why: string };

export class SynCookieJar {
  private readonly k0: number;
  private readonly k1: number;
  private readonly k2: number;
  private readonly k3: number;

  constructor(random: RandomSource) {
    this.k0 = random.nextU32();
    this.k1 = random.nextU32();
    this.k2 = random.nextU32();
    this.k3 = random.nextU32();
  }

  /** The ISN of a cookie SYN,ACK for a SYN with sequence number `peerIsn` and MSS option `peerMss`. */
  make(t: FourTuple, peerIsn: number, peerMss: number, now: number): number {
    const counter = counterAt(now);
    const index = mssIndex(peerMss);
    return (((counter & 31) << 27) | (index << 24) | this.hash(t, peerIsn, counter, index)) >>> 0;
  }

  /** Is `cookie` (SEG.ACK − 1) one we made for this 4-tuple and peer ISN (SEG.SEQ − 1), recently? */
  check(t: FourTuple, peerIsn: number, cookie: number, now: number): CookieCheck {
    const counter = counterAt(now);
    const age = (counter - (cookie >>> 27)) & 31;
    const index = (cookie >>> 24) & 7;
    const made = counter - age;
    const genuine = made >= 0 && (cookie & 0xffffff) === this.hash(t, peerIsn, made, index);
    if (!genuine) return { ok: false, why: 'not a SYN cookie of this host (its hash does not match)' };
    if (age > COOKIE_MAX_AGE) {
      return { ok: false, why: `a stale SYN cookie: made ${age} steps of ${COOKIE_PERIOD / 1000} s ago, valid for ${COOKIE_MAX_AGE + 1}` };
    }
    return { ok: true, mss: COOKIE_MSS[index]! };
  }

  private hash(t: FourTuple, peerIsn: number, counter: number, index: number): number {
    const tuple = keyedHash(this.k0, this.k1, t.localAddr, t.remoteAddr, ((t.localPort << 16) | t.remotePort) >>> 0);
    return keyedHash(this.k2, this.k3, tuple, peerIsn, ((counter << 3) | index) >>> 0) & 0xffffff;
  }
}

function counterAt(now: number): number {
  return Math.floor(Math.max(0, now) / COOKIE_PERIOD);
}

/** The largest table entry not above the peer's MSS; 64 for a peer that claims less (no real path has an MTU under 104). */
function mssIndex(peerMss: number): number {
  let i = COOKIE_MSS.length - 1;
  while (i > 0 && COOKIE_MSS[i]! > peerMss) i--;
  return i;
}

/**
 * The stateless SYN,ACK (RFC 9293 §3.10.7.2 with the cookie as ISS): only the MSS option, and
 * the window unscaled, since no window-scale option is offered (RFC 7323 §2.2).
 */
export function cookieSynAck(syn: TcpSegment, cookie: number, ourMss: number, receiveBuffer: number): TcpSegment {
  return {
    srcPort: syn.dstPort, dstPort: syn.srcPort, seq: cookie, ack: seqAdd(syn.seq, 1),
    flags: Flag.SYN | Flag.ACK, window: Math.min(receiveBuffer, 0xffff), urgent: 0,
    options: { mss: ourMss }, payload: new Uint8Array(0),
  };
}
