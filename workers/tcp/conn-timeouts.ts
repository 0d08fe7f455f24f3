// The two timeouts that end a connection RFC 9293 would otherwise keep forever:
// - idle: nothing received for `idleTimeout` ms (a server policy, as nginx's client timeouts);
// - user timeout (RFC 9293 §3.10.8, RFC 5482): sent data unacknowledged for `userTimeout` ms.
//   Zero-window probes count as sent data, as in Linux, whose TCP_USER_TIMEOUT is checked by the
//   zero-window probe timer too: a peer that keeps its window shut forever is dropped.
// Each is a timer of its connection. It is armed once and, when it fires early because there was
// progress in between, armed again for the new deadline: no timer event per segment in the trace.
import type { StackSettings } from './settings.ts';
import type { TimerSet } from './timers.ts';

export type TimeoutVerdict = { kind: 'rearm'; at: number } | { kind: 'expire'; message: string } | { kind: 'stop' };

export class ConnTimeouts {
  /** When a segment last arrived (or the connection was created). */
  heardAt: number;
  /** Since when sent data has waited for an acknowledgment without progress; null when none waits. */
  stalledSince: number | null = null;

  constructor(now: number) {
    this.heardAt = now;
  }

  /** SND.UNA advanced: the wait starts again. */
  progress(now: number): void {
    if (this.stalledSince !== null) this.stalledSince = now;
  }

  /** Data is outstanding (or waits on a shut window) at `now`; returns when the user timeout falls due. */
  waiting(s: StackSettings, now: number): number | null {
    if (this.stalledSince === null) this.stalledSince = now;
    return s.userTimeout > 0 ? this.stalledSince + s.userTimeout : null;
  }

  idleDue(s: StackSettings, now: number): TimeoutVerdict {
    if (s.idleTimeout <= 0) return STOP;
    const due = this.heardAt + s.idleTimeout;
    if (due > now) return { kind: 'rearm', at: due };
    return { kind: 'expire', message: `connection timed out: nothing received for ${now - this.heardAt} ms (idleTimeout ${s.idleTimeout} ms)` };
  }

  /**
   * After each event of a watched state: start the idle timer if it is not running, and the user
   * timeout while something waits on the peer (`awaitsPeer`); stop it once nothing does.
   */
  arm(s: StackSettings, timers: TimerSet, awaitsPeer: boolean, now: number): void {
    if (s.idleTimeout > 0 && !timers.isRunning('idle')) timers.set('idle', this.heardAt + s.idleTimeout, now);
    if (awaitsPeer) {
      const due = this.waiting(s, now);
      if (due !== null && !timers.isRunning('user-timeout')) timers.set('user-timeout', due, now);
    } else {
      this.stalledSince = null;
      timers.cancel('user-timeout', now);
    }
  }

  userDue(s: StackSettings, now: number): TimeoutVerdict {
    if (s.userTimeout <= 0 || this.stalledSince === null) return STOP;
    const due = this.stalledSince + s.userTimeout;
    if (due > now) return { kind: 'rearm', at: due };
    return {
      kind: 'expire',
      message: `connection timed out: sent data unacknowledged for ${now - this.stalledSince} ms (userTimeout ${s.userTimeout} ms, RFC 9293 §3.10.8)`,
    };
  }
}

const STOP: TimeoutVerdict = { kind: 'stop' };
