// The checklist of one exercise, ticked by the trace alone.
//
//   const list = createChecklist(exercise);
//   list.push(batch);          // as batches arrive, from one host or several, in order
//   list.status();             // [{ id, label, done, doneAt?, evidence? }, …]
//
// Incremental: events are processed once, in the order pushed, so pushing one at a time or all at
// once gives the same result. An item, once ticked, stays ticked. Per event the cost is a type
// test per open item plus the few comparisons of the items that care about that type.
import type { TraceEvent } from '../../workers/tcp/trace.ts';
import { ConnectionTracker } from '../model/connections.ts';
import { EVENT_FIELDS } from './fields.ts';
import { Issues } from './issues.ts';
import { EventView } from './match.ts';
import { buildNode, typesOf, type Node } from './nodes.ts';
import { compilePredicate } from './predicates.ts';
import type { Exercise } from './schema.ts';

export interface CheckStatus {
  id: string;
  label: string;
  done: boolean;
  /** Stack time (ms, the trace's `t`) of the event that ticked it. */
  doneAt?: number;
  /** What proved it: "SYN seq=1000; SYN,ACK seq=5000 ack=1001". */
  evidence?: string;
  /** Set when the item's predicate is invalid (an exercise that skipped validation): it never ticks. */
  error?: string;
}

/** An item already ticked in an earlier session (from saved progress). */
export interface RestoredItem {
  doneAt?: number;
  evidence?: string;
}

export interface Checklist {
  readonly exerciseId: string;
  /** Feed trace events; returns the ids of items ticked by this batch. Other event kinds (the worker's 'shell' events) are skipped. */
  push(events: Iterable<TraceEvent | { type: string }>): string[];
  status(): CheckStatus[];
  /** Every item is ticked. */
  readonly complete: boolean;
  /** Events processed so far. */
  readonly seen: number;
}

const KNOWN_TYPES: ReadonlySet<string> = new Set(Object.keys(EVENT_FIELDS));

interface Item {
  status: CheckStatus;
  node: Node | null;
  types: Set<string>;
}

export function createChecklist(exercise: Exercise, restored?: Readonly<Record<string, RestoredItem>>): Checklist {
  const tracker = new ConnectionTracker();
  const view = new EventView(tracker);
  const items: Item[] = exercise.checks.map((c) => {
    const status: CheckStatus = { id: c.id, label: c.label, done: false };
    const prior = restored?.[c.id];
    if (prior) {
      status.done = true;
      if (prior.doneAt !== undefined) status.doneAt = prior.doneAt;
      if (prior.evidence !== undefined) status.evidence = prior.evidence;
    }
    const issues = new Issues();
    const compiled = compilePredicate(c.when, 'when', issues);
    if (compiled === null) {
      status.error = issues.list.join('; ');
      return { status, node: null, types: new Set() };
    }
    return { status, node: buildNode(compiled), types: typesOf(compiled) };
  });
  let open: Item[] = [];
  /** Event types some open item cares about: every other event costs one Set lookup. */
  let openTypes = new Set<string>();
  const reopen = (): void => {
    open = items.filter((i) => !i.status.done && i.node !== null);
    openTypes = new Set(open.flatMap((i) => [...i.types]));
  };
  reopen();
  let seen = 0;

  return {
    exerciseId: exercise.id,
    push(events) {
      const ticked: string[] = [];
      for (const raw of events) {
        seen++;
        if (open.length === 0) continue;
        if (!KNOWN_TYPES.has(raw.type)) continue;
        const ev = raw as TraceEvent;
        tracker.observe(ev, seen - 1);
        view.set(ev);
        if (!openTypes.has(ev.type)) continue;
        let closed = false;
        for (const item of open) {
          if (!item.types.has(ev.type)) continue;
          const hit = (item.node as Node).push(view);
          if (hit === null) continue;
          item.status.done = true;
          item.status.doneAt = hit.t;
          item.status.evidence = hit.evidence;
          ticked.push(item.status.id);
          closed = true;
        }
        if (closed) reopen();
      }
      return ticked;
    },
    status() {
      return items.map((i) => ({ ...i.status }));
    },
    get complete() {
      return items.every((i) => i.status.done);
    },
    get seen() {
      return seen;
    },
  };
}
