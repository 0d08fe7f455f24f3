// Timers count down and the reconnect delay ticks even when no update arrives: the root re-renders
// every TICK_MS while a session is live. While the trace streams the feed renders every quarter
// second anyway, in frames the worker leaves the CPU to; a render of its own here would be one it
// does not.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Playground } from './playground.ts';

const TICK_MS = 500;

export class LiveTicker implements ReactiveController {
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly pg: Playground,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.timer = setInterval(() => {
      if (this.pg.session.phase === 'live' && !this.pg.intake.busy) this.host.requestUpdate();
    }, TICK_MS);
  }

  hostDisconnected(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}
