// The session's trace in the page: every record the worker sent, in order, and the core events
// among them as one growing array, which the model indexes incrementally (indexFor keeps an index
// per array and reads only what was appended). Shell events (link changes, relay notices) are
// kept apart: the model's derivations are about the TCP core's events.
import type { ShellEvent, TraceRecord } from '../../workers/api.ts';
import type { TraceEvent } from '../../workers/tcp/trace.ts';
import { indexFor } from '../model/trace-index.ts';
import type { TraceIndex } from '../model/trace-index.ts';

export class TraceStore {
  readonly records: TraceRecord[] = [];
  /** Core events only, in record order: the model's input. */
  readonly events: TraceEvent[] = [];
  /** Wall-clock time of each entry of `events`. */
  readonly reals: number[] = [];
  readonly shell: { real: number; event: ShellEvent }[] = [];
  /** Records the worker evicted before they reached us. */
  missed = 0;
  /** Bumped on every change, for views that memoise on it. */
  revision = 0;
  /** Records with a lower seq belong to an earlier session of the same worker. */
  private nextSeq: number;

  constructor(
    /** The first record of this session in the worker's numbering. */
    readonly startSeq = 0,
  ) {
    this.nextSeq = startSeq;
  }

  /** Append a batch; returns the records taken (older and repeated ones are skipped). */
  add(records: readonly TraceRecord[], missed = 0): TraceRecord[] {
    const taken: TraceRecord[] = [];
    for (const r of records) {
      if (r.seq < this.nextSeq) continue;
      this.nextSeq = r.seq + 1;
      taken.push(r);
      this.records.push(r);
      const e = r.event;
      if (e.type === 'shell') this.shell.push({ real: r.real, event: e });
      else {
        this.events.push(e);
        this.reals.push(r.real);
      }
    }
    this.missed += missed;
    if (taken.length > 0 || missed > 0) this.revision++;
    return taken;
  }

  /** seq of the next record this store will take (the worker's numbering). */
  get next(): number {
    return this.nextSeq;
  }

  /** The model's incremental index over the core events. */
  get index(): TraceIndex {
    return indexFor(this.events);
  }

  /** Stack time of the newest core event (what "now" is in a saved session). */
  get lastT(): number {
    return this.events[this.events.length - 1]?.t ?? 0;
  }

  static from(records: readonly TraceRecord[]): TraceStore {
    const s = new TraceStore(records[0]?.seq ?? 0);
    s.add(records);
    return s;
  }
}
