// Running one compiled event matcher against one event: the hot path of the evaluator.
// Cheap first (type, then flags as integers), fields after, and the connection end only when a
// test or a scope actually asks for it.
import type { TraceEvent } from '../../workers/tcp/trace.ts';
import type { ConnEnd, ConnectionTracker } from '../model/connections.ts';
import { evalExpr, type Vars } from './expr.ts';
import { flagsOf, type EventContext, type FieldKind, type FieldValue } from './fields.ts';
import type { CompiledMatcher, CompiledTest, Op, Operand, Scope } from './predicates.ts';

/** The event being processed, with its connection end looked up at most once. One per checklist. */
export class EventView implements EventContext {
  ev!: TraceEvent;
  private cached: ConnEnd | null | undefined;
  /** More than one host's events have been seen: evidence then names the host. */
  multiHost = false;
  private firstHost: string | null = null;

  constructor(private readonly tracker: ConnectionTracker) {}

  set(ev: TraceEvent): void {
    this.ev = ev;
    this.cached = undefined;
    if (this.firstHost === null) this.firstHost = ev.host;
    else if (!this.multiHost && ev.host !== this.firstHost) this.multiHost = true;
  }

  end(): ConnEnd | null {
    if (this.cached === undefined) this.cached = this.tracker.endOf(this.ev);
    return this.cached;
  }
}

export function matches(m: CompiledMatcher, view: EventView, vars: Vars | null): boolean {
  const ev = view.ev;
  if (ev.type !== m.type) return false;
  if (m.flagsExact >= 0 || m.flagsHas !== 0 || m.flagsLacks !== 0) {
    const f = flagsOf(ev);
    if (f < 0) return false;
    if (m.flagsExact >= 0 && f !== m.flagsExact) return false;
    if ((f & m.flagsHas) !== m.flagsHas || (f & m.flagsLacks) !== 0) return false;
  }
  for (const t of m.tests) if (!testField(t, t.def.get(ev, view), vars)) return false;
  return true;
}

/** Is the current event on an end the step may use, relative to the sequence's anchor end? */
export function inScope(on: Scope, anchor: ConnEnd | null, view: EventView): boolean {
  if (on === 'any') return true;
  const e = view.end();
  if (e === null || anchor === null) return false;
  if (on === 'same') return e === anchor;
  if (on === 'peer') return e.key === anchor.peerKey;
  return e === anchor || e.key === anchor.peerKey;
}

/** Bind the matcher's variables from the current event onto a copy of `vars`. */
export function bind(m: CompiledMatcher, view: EventView, vars: Vars): Vars {
  if (m.binds.length === 0) return vars;
  const out: Record<string, number | string | boolean> = { ...vars };
  for (const b of m.binds) {
    const v = b.def.get(view.ev, view);
    if (v !== undefined) out[b.name] = v;
  }
  return out;
}

/** Every event type a predicate's matchers look at: the checklist skips the rest cheaply. */
export function matcherTypes(ms: readonly CompiledMatcher[], into: Set<string>): void {
  for (const m of ms) into.add(m.type);
}

/** Does the field value satisfy the test, given the variables bound so far? */
export function testField(t: CompiledTest, value: FieldValue | undefined, vars: Vars | null): boolean {
  // A field the event lacks (the reason of an incoming segment) is unequal to anything, and nothing more.
  if (value === undefined) return t.op === 'ne';
  if (t.op === 'oneOf') {
    for (const o of t.operands) if (compare('eq', t.def.kind, value, operandValue(o, vars))) return true;
    return false;
  }
  return compare(t.op, t.def.kind, value, operandValue(t.operands[0] as Operand, vars));
}

function operandValue(o: Operand, vars: Vars | null): FieldValue | undefined {
  return 'lit' in o ? o.lit : evalExpr(o.expr, vars);
}

function compare(op: Op, kind: FieldKind, a: FieldValue, b: FieldValue | undefined): boolean {
  if (b === undefined) return false;
  if (op === 'contains') return typeof a === 'string' && typeof b === 'string' && a.includes(b);
  if (kind === 'seq' && typeof a === 'number' && typeof b === 'number') {
    // Sequence space wraps at 2^32 (RFC 9293 §3.4): compare by the signed 32-bit difference.
    const d = (a - b) | 0;
    switch (op) {
      case 'eq': return d === 0;
      case 'ne': return d !== 0;
      case 'gt': return d > 0;
      case 'gte': return d >= 0;
      case 'lt': return d < 0;
      case 'lte': return d <= 0;
      default: return false;
    }
  }
  switch (op) {
    case 'eq': return a === b;
    case 'ne': return a !== b;
    case 'gt': return a > b;
    case 'gte': return a >= b;
    case 'lt': return a < b;
    case 'lte': return a <= b;
    default: return false;
  }
}
