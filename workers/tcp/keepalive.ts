// Keep-alive (RFC 9293 §3.8.4, RFC 1122 §4.2.3.6): off unless the application asks for it, per
// connection. After `keepAliveIdle` ms with nothing received and nothing of ours outstanding, a
// probe goes out every `keepAliveInterval` ms; `keepAliveCount` probes left unanswered abort the
// connection with ETIMEDOUT. Defaults are Linux's tcp_keepalive_time/intvl/probes (7200 s, 75 s, 9);
// RFC 1122 requires the idle time to default to at least two hours.
//
// The probe is SEG.SEQ = SND.NXT − 1 with no data: RFC 1122 says a keep-alive SHOULD carry no data
// (one garbage octet is only for broken old peers), and Linux sends exactly this. The sequence
// number is one the peer already acknowledged, so the segment is an old duplicate the peer must
// answer with an ACK (RFC 9293 §3.10.7.4 first step), and that ACK is the sign of life.
import type { StackSettings } from './settings.ts';
import { Flag, type TcpSegment } from './wire/types.ts';
import { seqAdd } from './seq.ts';
import type { TimerSet } from './timers.ts';

export type KeepAliveVerdict =
  | { kind: 'rearm'; at: number }
  | { kind: 'probe'; at: number; count: number }
  | { kind: 'expire'; message: string };

export class KeepAlive {
  /** Probes sent since the peer was last heard from. */
  private probes = 0;

  constructor(private enabled: boolean) {}

  get on(): boolean {
    return this.enabled;
  }

  set(on: boolean): void {
    this.enabled = on;
    this.probes = 0;
  }

  /** A segment arrived: the peer is alive, the next probe waits a whole idle time again. */
  heard(): void {
    this.probes = 0;
  }

  /**
   * After each event of a synchronized state: run the timer while keep-alive is on and the
   * connection is idle (`idle`: a state that keeps alive, nothing of ours outstanding; else the
   * retransmission or persist timer watches the peer), stop it otherwise.
   */
  arm(s: StackSettings, timers: TimerSet, heardAt: number, idle: boolean, now: number): void {
    if (!this.enabled || !idle) {
      this.probes = 0;
      timers.cancel('keepalive', now);
      return;
    }
    if (!timers.isRunning('keepalive')) timers.set('keepalive', Math.max(now, heardAt + s.keepAliveIdle), now);
  }

  /** The timer fired: wait on (something arrived since), probe, or give up. */
  fired(s: StackSettings, heardAt: number, now: number): KeepAliveVerdict {
    if (this.probes === 0) {
      const due = heardAt + s.keepAliveIdle;
      if (due > now) return { kind: 'rearm', at: due };
    } else if (this.probes >= s.keepAliveCount) {
      return {
        kind: 'expire',
        message: `connection timed out: ${this.probes} keep-alive probes unanswered (keepAliveCount ${s.keepAliveCount}, every ${s.keepAliveInterval} ms, RFC 1122 §4.2.3.6)`,
      };
    }
    this.probes++;
    return { kind: 'probe', at: now + s.keepAliveInterval, count: this.probes };
  }
}

/**
 * The receiving end: a keep-alive probe is SEG.SEQ = RCV.NXT − 1 with no data (or one garbage octet,
 * RFC 1122 §4.2.3.6). An old duplicate that must be answered with an ACK, and not rate limited: the
 * ACK is what keeps the connection alive, and one answer per probe cannot start an ACK loop.
 */
export function isKeepAliveProbe(seg: TcpSegment, rcvNxt: number): boolean {
  return !(seg.flags & (Flag.SYN | Flag.FIN | Flag.RST)) && seg.payload.length <= 1 && seqAdd(seg.seq, 1) === rcvNxt;
}
