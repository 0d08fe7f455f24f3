// Drives a core Host on the real clock in Node: frames in, one timer at the core's next deadline,
// socket events to the application, packets out. The bots and the terminal peer both use it.
import type { Host, SocketEvent } from '../workers/tcp/host.ts';
import { realTimers, type TimerHandle, type Timers } from '../workers/timers.ts';

export class HostDriver {
  private timer: TimerHandle | null = null;
  private timerAt = Infinity;
  private stopped = false;

  constructor(
    readonly host: Host,
    private readonly transmit: (frame: Uint8Array) => void,
    private readonly onEvents: (events: readonly SocketEvent[], now: number) => void,
    readonly clock: Timers = realTimers,
  ) {}

  now(): number {
    return this.clock.now();
  }

  /** A frame arrived from the wire. */
  frame(bytes: Uint8Array): void {
    if (this.stopped) return;
    this.host.input(bytes, this.clock.now());
    this.settle();
  }

  /** Call after any socket call made from outside an event (connect, write, close …). */
  settle(): void {
    if (this.stopped) return;
    const now = this.clock.now();
    // Applications answer events with calls that may raise more events; a few rounds settle it.
    for (let i = 0; i < 8; i++) {
      const events = this.host.takeEvents();
      if (events.length === 0) break;
      this.onEvents(events, now);
    }
    for (const p of this.host.takeOutput()) this.transmit(p);
    const d = this.host.nextDeadline();
    if (d === null) {
      this.cancel();
    } else if (d < this.timerAt) {
      this.cancel();
      this.timerAt = d;
      this.timer = this.clock.setTimeout(() => this.fire(), Math.max(0, d - now));
    }
  }

  stop(): void {
    this.stopped = true;
    this.cancel();
  }

  private fire(): void {
    this.timer = null;
    this.timerAt = Infinity;
    if (this.stopped) return;
    this.host.poll(this.clock.now());
    this.settle();
  }

  private cancel(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
  }
}
