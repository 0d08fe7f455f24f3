// Limits on the answers a host gives to segments it did not ask for, so that a peer cannot make it
// spend its link (in a room: its relay rate budget) on RSTs and ACKs (RFC 5961 §7).
import type { StackSettings } from './settings.ts';

/**
 * At most `limit` events in a one-second window, a window opening with the first event after the
 * previous one closed: FreeBSD's ppsratecheck (behind net.inet.icmp.icmplim, which also bounds
 * its RSTs for closed ports) and Linux's challenge-ACK counter work this way.
 */
export class PerSecondLimit {
  private windowStart = Number.NEGATIVE_INFINITY;
  private count = 0;

  /** Take one; false when this window's `limit` is used up. `limit` ≤ 0 means unlimited. */
  take(limit: number, now: number): boolean {
    if (limit <= 0) return true;
    if (now - this.windowStart >= 1000 || now < this.windowStart) {
      this.windowStart = now;
      this.count = 0;
    }
    if (this.count >= limit) return false;
    this.count++;
    return true;
  }
}

export interface RateLimitStats {
  /** RSTs not sent for segments that matched no connection (rstPerSecond). */
  rst: number;
  /** Challenge ACKs not sent (challengeAckPerSecond). */
  challengeAck: number;
  /** ACKs not sent because one went to the same connection less than invalidAckInterval ago. */
  invalidAck: number;
}

/** What a connection keeps for the per-connection limit. */
export interface InvalidAckClock {
  lastInvalidAck: number | null;
}

/** The host's limits: one instance per host. */
export class AnswerLimits {
  readonly stats: RateLimitStats = { rst: 0, challengeAck: 0, invalidAck: 0 };
  private readonly rsts = new PerSecondLimit();
  private readonly challenges = new PerSecondLimit();

  /** May the host send an RST for a segment that matches no connection? Null if yes, else why not. */
  rst(s: StackSettings, now: number): string | null {
    if (this.rsts.take(s.rstPerSecond, now)) return null;
    this.stats.rst++;
    return `rstPerSecond ${s.rstPerSecond} reached`;
  }

  /**
   * May a connection answer an unacceptable segment? First its own interval (Linux's
   * tcp_invalid_ratelimit), then for a challenge ACK the host-wide count (tcp_challenge_ack_limit),
   * in Linux's order. Null if yes, else why not.
   */
  answer(conn: InvalidAckClock, kind: 'challenge-ack' | 'invalid-ack', s: StackSettings, now: number): string | null {
    const last = conn.lastInvalidAck;
    if (s.invalidAckInterval > 0 && last !== null && now >= last && now - last < s.invalidAckInterval) {
      this.stats.invalidAck++;
      return `one ACK per invalidAckInterval ${s.invalidAckInterval} ms per connection`;
    }
    if (kind === 'challenge-ack' && !this.challenges.take(s.challengeAckPerSecond, now)) {
      this.stats.challengeAck++;
      return `challengeAckPerSecond ${s.challengeAckPerSecond} reached`;
    }
    conn.lastInvalidAck = now;
    return null;
  }
}
