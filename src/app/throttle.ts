// Recompute an expensive derived value (a ladder, a time series) no more often than the page
// can afford while the trace grows:
// - at once when what it is OF changes (another connection), or on request (refresh());
// - while `hold` is set (the trace streams faster than anyone reads it), not at all;
// - otherwise no sooner than max(minInterval, 4 × the last computation's cost) after the last;
// - and never by itself when it would take longer than `autoLimitMs` (estimated from the last
//   computation's cost per row): the view keeps its last value, marked stale, until the user
//   asks. One long freeze on request beats one after every burst.
/**
 * The least a row is assumed to cost. A computation over a few rows measures far less per row than
 * a big one costs (cache misses, collection): the ladder of 26,000 segments took 77 ms on a loaded
 * 2-core machine, 3 µs a row, after small ones had measured under 1 µs.
 */
const MIN_PER_ROW_MS = 0.003;

export class Throttled<T> {
  private value: T | undefined;
  private key: unknown = Symbol('none');
  private rev: unknown = Symbol('none');
  private seenRev: unknown = Symbol('none');
  private at = -Infinity;
  private cost = 0;
  private perRow = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private forced = false;
  /** The last get() left a recomputation to the user. */
  manual = false;

  constructor(
    /** Called when a skipped recomputation is due, to render again. */
    private readonly wake: () => void,
    private readonly minInterval = 120,
    private readonly autoLimitMs = 35,
  ) {}

  /** The value shown is older than the trace. */
  get stale(): boolean {
    return this.rev !== this.seenRev;
  }

  /** Recompute on the next get(), whatever it costs. */
  refresh(): void {
    this.forced = true;
    this.wake();
  }

  /**
   * `rows`: how big the input is now (the estimate of the next computation's cost scales with
   * it). `hold`: keep the value as it is while the page is busy.
   */
  get(key: unknown, rev: unknown, rows: number, compute: () => T, hold = false): T {
    this.seenRev = rev;
    const sameKey = this.value !== undefined && key === this.key;
    const run = () => {
      this.forced = false;
      this.manual = false;
      const t0 = performance.now();
      this.value = compute();
      this.cost = performance.now() - t0;
      this.perRow = rows > 0 ? this.cost / rows : 0;
      this.at = performance.now();
      this.key = key;
      this.rev = rev;
      return this.value;
    };
    if (!sameKey || this.forced) return run();
    if (rev === this.rev || hold) return this.value as T;
    if (Math.max(this.perRow, MIN_PER_ROW_MS) * rows > this.autoLimitMs) {
      this.manual = true;
      return this.value as T;
    }
    const due = this.at + Math.max(this.minInterval, 4 * this.cost);
    const now = performance.now();
    if (now >= due) return run();
    if (this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.wake();
      }, due - now);
    }
    return this.value as T;
  }
}
