// One change notification for everything the worker's updates move: the feature stores (trace
// intake, hosts, socket views, notices, the live session) call changed(); the page hears of it
// once per animation frame at most, and while the trace streams only every BUSY_INTERVAL_MS:
// each render lays out the page, and rendering every frame would leave the main thread no time
// for anything else.
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Above this many trace records per second the page re-renders at most every BUSY_INTERVAL_MS. */
export const BUSY_RATE = 400;
const BUSY_INTERVAL_MS = 250;
/** The longest the worker waits for a frame to be drawn while the trace streams (EndpointApi.drawing). */
const DRAW_YIELD_MS = 50;

/** What the feed asks the trace intake before each notification. */
export interface FeedPace {
  /** Records the page takes per second. */
  readonly traceRate: number;
  /** A bulk transfer is on: the worker should leave the CPU to the frames that draw it. */
  readonly yieldsCpu: boolean;
}

/** The worker's two calls that bracket a frame (EndpointApi.drawing/drawn). */
export interface FrameBracket {
  drawing(maxMs: number): Promise<unknown>;
  drawn(): Promise<unknown>;
}

/** After the next frame is drawn (a task queued from its animation frame runs after its paint). */
function afterNextFrame(fn: () => void): void {
  if (typeof requestAnimationFrame === 'function' && typeof document !== 'undefined' && document.visibilityState === 'visible') {
    requestAnimationFrame(() => setTimeout(fn, 0));
  } else setTimeout(fn, 16);
}

function nextFrame(fn: () => void): void {
  if (typeof requestAnimationFrame === 'function' && typeof document !== 'undefined' && document.visibilityState === 'visible') {
    requestAnimationFrame(() => fn());
  } else setTimeout(fn, 16);
}

export class ChangeFeed {
  /** Bumped on every change. */
  version = 0;
  private readonly listeners = new Set<() => void>();
  private scheduled = false;
  private lastNotify = 0;
  private pace: FeedPace = { traceRate: 0, yieldsCpu: false };

  constructor(private readonly worker: FrameBracket) {}

  /** Where the feed reads the trace's pace (the intake, once it exists). */
  pacedBy(pace: FeedPace): void {
    this.pace = pace;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(): void {
    this.version++;
    if (this.scheduled) return;
    this.scheduled = true;
    const wait = this.pace.traceRate > BUSY_RATE ? this.lastNotify + BUSY_INTERVAL_MS - performance.now() : 0;
    const go = () =>
      nextFrame(() => {
        this.scheduled = false;
        this.lastNotify = performance.now();
        // During a bulk transfer the worker would take the CPU from this frame (and the next,
        // where the views scroll to their newest rows): it waits until both are drawn. Not
        // while the page only catches up on a stream that has ended: then the worker's one job
        // is to feed it, and each wait would only make the catching up longer.
        const yieldCpu = this.pace.yieldsCpu;
        if (yieldCpu) void this.worker.drawing(DRAW_YIELD_MS).catch(() => {});
        for (const l of this.listeners) l();
        if (yieldCpu) afterNextFrame(() => void this.worker.drawn().catch(() => {}));
      });
    if (wait > 0) setTimeout(go, wait);
    else go();
  }
}

/** Re-renders a Lit host on every notification of the feed, while the host is connected. */
export class FeedController implements ReactiveController {
  private off: (() => void) | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly feed: ChangeFeed,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.off = this.feed.subscribe(() => this.host.requestUpdate());
  }

  hostDisconnected(): void {
    this.off?.();
    this.off = null;
  }
}
