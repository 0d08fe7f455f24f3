// The running form of each predicate: a small state machine fed one event at a time. Each keeps
// only what its question needs (partial matches, counters per connection end, the last gap, the
// last value), so the cost per event is a few comparisons however long the trace gets.
import type { TraceEvent } from '../../workers/tcp/trace.ts';
import type { TcpState } from '../../workers/tcp/state.ts';
import type { ConnEnd } from '../model/connections.ts';
import { connKey } from '../model/keys.ts';
import type { Vars } from './expr.ts';
import type { FieldDef } from './fields.ts';
import { describeEvent } from './evidence.ts';
import { bind, inScope, matches, matcherTypes, type EventView } from './match.ts';
import type { CompiledMatcher, CompiledPredicate, CompiledStep, Per } from './predicates.ts';

export interface Hit {
  /** Stack time of the event that completed the predicate. */
  t: number;
  evidence: string;
}

export interface Node {
  /** Feed one event (already set on the view); a Hit the first time the predicate holds. */
  push(view: EventView): Hit | null;
}

export function buildNode(p: CompiledPredicate): Node {
  switch (p.kind) {
    case 'then':
      return new SequenceNode(p.steps);
    case 'statePath':
      return new StatePathNode(p.path, p.role, p.strict, p.ends);
    case 'count':
      return new CountNode(p.of, p.atLeast, p.atMost, p.by, p.per);
    case 'spacing':
      return new SpacingNode(p.of, p.min, p.ratio, p.per);
    case 'series':
      return new SeriesNode(p.of, p.def.get, p.value, p.falls, p.minFall, p.per);
    case 'all':
      return new AllNode(p.of.map(buildNode));
    case 'any':
      return new AnyNode(p.of.map(buildNode));
  }
}

/** Event types a predicate can react to (the checklist skips every other event for it). */
export function typesOf(p: CompiledPredicate, into = new Set<string>()): Set<string> {
  switch (p.kind) {
    case 'then':
      for (const s of p.steps) matcherTypes([s.match, ...s.without], into);
      break;
    case 'statePath':
      into.add('state');
      break;
    case 'count':
      matcherTypes(p.by ? [...p.of, p.by] : p.of, into);
      break;
    case 'spacing':
    case 'series':
      into.add(p.of.type);
      break;
    case 'all':
    case 'any':
      for (const c of p.of) typesOf(c, into);
      break;
  }
  return into;
}

/** A matched event kept for evidence, with the end it happened on (the view moves on). */
interface Matched {
  ev: TraceEvent;
  m: CompiledMatcher;
  end: ConnEnd | null;
  step: number;
}

function describe(x: Matched, withHost: boolean): string {
  return describeEvent(x.ev, x.m, { end: () => x.end }, withHost);
}

/** "a; b; b; b" → "a; b ×3": repeated steps stay readable. */
function joinCompressed(lines: string[]): string {
  const out: string[] = [];
  let prev: string | null = null;
  let n = 0;
  const flush = (): void => {
    if (prev !== null) out.push(n > 1 ? `${prev} ×${n}` : prev);
  };
  for (const l of lines) {
    if (l === prev) {
      n++;
      continue;
    }
    flush();
    prev = l;
    n = 1;
  }
  flush();
  return out.join('; ');
}

// ---------------------------------------------------------------------------------------------
// then: an ordered subsequence, with variables and scopes
// ---------------------------------------------------------------------------------------------

interface Partial {
  /** Index of the step waiting to match. */
  step: number;
  /** Matches of that step so far (for repeat). */
  count: number;
  vars: Vars;
  anchor: ConnEnd | null;
  lastT: number;
  matched: Matched[];
  sig: string;
}

/** Live partial matches beyond this are dropped oldest first: a guard, not a limit exercises meet. */
const MAX_PARTIALS = 64;
const NO_VARS: Vars = Object.freeze({});

/**
 * Each event that matches step 0 starts a partial match; later events advance partials whose next
 * step they match (in scope, with the bound variables, in time). Partials that reach the same state
 * with the same variables are merged, so a stream of identical events costs one partial, not many.
 */
class SequenceNode implements Node {
  private partials: Partial[] = [];
  private readonly bySig = new Map<string, Partial>();

  constructor(private readonly steps: CompiledStep[]) {}

  push(view: EventView): Hit | null {
    const ev = view.ev;
    const steps = this.steps;
    // Advance or kill the live partials (in place: keep the survivors in order).
    let w = 0;
    const list = this.partials;
    for (let i = 0; i < list.length; i++) {
      const p = list[i] as Partial;
      const st = steps[p.step] as CompiledStep;
      if (st.within !== null && ev.t - p.lastT > st.within) {
        this.bySig.delete(p.sig);
        continue;
      }
      if (matches(st.match, view, p.vars) && inScope(st.on, p.anchor, view) && (st.after === null || ev.t - p.lastT >= st.after)) {
        const hit = this.advance(p, st, view);
        if (hit) return hit;
        if (p.sig === '') continue; // merged into an equal partial
        list[w++] = p;
        continue;
      }
      let killed = false;
      for (const m of st.without) {
        if (matches(m, view, p.vars) && inScope(st.on, p.anchor, view)) {
          killed = true;
          break;
        }
      }
      if (killed) {
        this.bySig.delete(p.sig);
        continue;
      }
      list[w++] = p;
    }
    list.length = w;

    // Start a new partial.
    const first = steps[0] as CompiledStep;
    if (!matches(first.match, view, NO_VARS)) return null;
    const anchor = view.end();
    if (steps.length === 1 && first.repeat === 1) return this.hit([{ ev, m: first.match, end: anchor, step: 0 }], view);
    if (this.sameStartAsLast(anchor, view)) return null;
    const p: Partial = { step: 0, count: 1, vars: bind(first.match, view, NO_VARS), anchor, lastT: ev.t, matched: [{ ev, m: first.match, end: anchor, step: 0 }], sig: '' };
    if (p.count === first.repeat) {
      p.step = 1;
      p.count = 0;
    }
    if (this.register(p)) {
      list.push(p);
      if (list.length > MAX_PARTIALS) this.bySig.delete((list.shift() as Partial).sig);
      this.lastStart = p;
    }
    return null;
  }

  /** The partial started most recently, while it still waits where it started. */
  private lastStart: Partial | null = null;

  /**
   * Fast path for the common case of a stream of alike events (every ACK of a transfer starting a
   * partial): if the last partial started is alive, untouched, on the same end, and this event would
   * bind the same values, the new one would merge into it anyway, so build nothing.
   */
  private sameStartAsLast(anchor: ConnEnd | null, view: EventView): boolean {
    const last = this.lastStart;
    if (last === null || last.anchor !== anchor || last.matched.length !== 1 || last.sig === '' || this.bySig.get(last.sig) !== last) return false;
    const first = this.steps[0] as CompiledStep;
    for (const b of first.match.binds) if (b.def.get(view.ev, view) !== last.vars[b.name]) return false;
    const next = this.steps[last.step];
    if (next !== undefined && next.within !== null) {
      // As register() does for twins: the later start is the better one for a time limit.
      last.lastT = view.ev.t;
      last.matched = [{ ev: view.ev, m: first.match, end: anchor, step: 0 }];
    }
    return true;
  }

  /** The partial matched its step; returns a Hit when that was the last one. */
  private advance(p: Partial, st: CompiledStep, view: EventView): Hit | null {
    p.matched = [...p.matched, { ev: view.ev, m: st.match, end: view.end(), step: p.step }];
    p.vars = bind(st.match, view, p.vars);
    p.lastT = view.ev.t;
    if (++p.count === st.repeat) {
      p.step++;
      p.count = 0;
    }
    if (p.step === this.steps.length) return this.hit(p.matched, view);
    this.bySig.delete(p.sig);
    if (!this.register(p)) p.sig = '';
    return null;
  }

  /**
   * Merge with an equal partial if there is one. Both can only go on identically, except in time:
   * the newer one keeps the later time (better for `within`), the older the earlier (better for
   * `after`). Returns false when `p` was merged away.
   */
  private register(p: Partial): boolean {
    let sig = `${p.step}/${p.count}/${p.anchor?.key ?? ''}`;
    for (const k in p.vars) sig += `/${String(p.vars[k])}`;
    const twin = this.bySig.get(sig);
    if (twin !== undefined) {
      const next = this.steps[p.step];
      if (next !== undefined && next.within !== null && p.lastT > twin.lastT) {
        twin.lastT = p.lastT;
        twin.matched = p.matched;
      }
      return false;
    }
    p.sig = sig;
    this.bySig.set(sig, p);
    return true;
  }

  private hit(matched: Matched[], view: EventView): Hit {
    this.partials = [];
    this.lastStart = null;
    this.bySig.clear();
    const lines = matched.map((x, i) => {
      const st = this.steps[x.step] as CompiledStep;
      const prev = matched[i - 1];
      const gap = prev !== undefined && (st.within !== null || st.after !== null) ? ` (+${Math.round(x.ev.t - prev.ev.t)} ms)` : '';
      return describe(x, view.multiHost) + gap;
    });
    return { t: view.ev.t, evidence: joinCompressed(lines) };
  }
}

// ---------------------------------------------------------------------------------------------
// statePath: the states one connection end passed through
// ---------------------------------------------------------------------------------------------

class StatePathNode implements Node {
  /** Per end: how many states of the path it has passed (greedy subsequence, or contiguous if strict). */
  private readonly progress = new Map<unknown, number>();
  private readonly done: string[] = [];

  constructor(
    private readonly path: TcpState[],
    private readonly role: 'active' | 'passive' | null,
    private readonly strict: boolean,
    private readonly ends: number,
  ) {}

  push(view: EventView): Hit | null {
    const ev = view.ev;
    if (ev.type !== 'state') return null;
    const end = view.end();
    if (this.role !== null && end?.role !== this.role) return null;
    const key: unknown = end ?? connKey(ev.host, ev.conn);
    let i = this.progress.get(key);
    if (i === undefined) i = ev.from === this.path[0] ? 1 : 0; // the first state seen is the one it left
    if (i >= this.path.length) return null; // this end already completed
    if (ev.to === this.path[i]) i++;
    else if (this.strict && i > 0) i = ev.to === this.path[0] ? 1 : 0;
    this.progress.set(key, i);
    if (i < this.path.length) return null;
    const where = end ? `${end.localAddr}:${end.localPort}` : `${ev.host} conn ${ev.conn}`;
    this.done.push(`${this.path.join(' → ')} at ${where}`);
    if (this.done.length < this.ends) return null;
    return { t: ev.t, evidence: this.done.join('; ') };
  }
}

// ---------------------------------------------------------------------------------------------
// count / absent
// ---------------------------------------------------------------------------------------------

function groupKey(per: Per, view: EventView): string {
  if (per === 'all') return '';
  const e = view.end();
  if (e === null) return '';
  return per === 'end' ? e.key : e.pairKey;
}

class CountNode implements Node {
  private readonly counts = new Map<string, { n: number; last: Matched }>();

  constructor(
    private readonly of: CompiledMatcher[],
    private readonly atLeast: number | null,
    private readonly atMost: number | null,
    private readonly by: CompiledMatcher | null,
    private readonly per: Per,
  ) {}

  push(view: EventView): Hit | null {
    for (const m of this.of) {
      if (!matches(m, view, null)) continue;
      const k = groupKey(this.per, view);
      const c = this.counts.get(k);
      const last: Matched = { ev: view.ev, m, end: view.end(), step: 0 };
      if (c) {
        c.n++;
        c.last = last;
      } else {
        this.counts.set(k, { n: 1, last });
      }
      if (this.by === null && this.atLeast !== null && (c?.n ?? 1) >= this.atLeast) {
        return { t: view.ev.t, evidence: `${c?.n ?? 1} × ${describe(last, view.multiHost)}` };
      }
      break; // one event counts once, however many matchers it fits
    }
    if (this.by === null || !matches(this.by, view, null)) return null;
    const c = this.counts.get(groupKey(this.per, view));
    const n = c?.n ?? 0;
    if ((this.atLeast !== null && n < this.atLeast) || (this.atMost !== null && n > this.atMost)) return null;
    const byLine = describe({ ev: view.ev, m: this.by, end: view.end(), step: 0 }, view.multiHost);
    const what = n === 0 ? 'none' : `${n} × ${describe(c!.last, view.multiHost)}`;
    return { t: view.ev.t, evidence: `${what} before ${byLine}` };
  }
}

// ---------------------------------------------------------------------------------------------
// spacing: growing gaps (exponential backoff)
// ---------------------------------------------------------------------------------------------

class SpacingNode implements Node {
  private readonly runs = new Map<string, { lastT: number; gaps: number[] }>();

  constructor(
    private readonly of: CompiledMatcher,
    private readonly min: number,
    private readonly ratio: number,
    private readonly per: Per,
  ) {}

  push(view: EventView): Hit | null {
    if (!matches(this.of, view, null)) return null;
    const t = view.ev.t;
    const k = groupKey(this.per, view);
    const r = this.runs.get(k);
    if (r === undefined) {
      this.runs.set(k, { lastT: t, gaps: [] });
      return null;
    }
    const gap = t - r.lastT;
    if (gap <= 0) return null; // the same instant (a copy of the same event) is not a new interval
    const prev = r.gaps[r.gaps.length - 1];
    if (prev !== undefined && gap < this.ratio * prev) r.gaps = [];
    r.gaps.push(gap);
    r.lastT = t;
    if (r.gaps.length + 1 < this.min) return null;
    const line = describe({ ev: view.ev, m: this.of, end: view.end(), step: 0 }, view.multiHost);
    return { t, evidence: `${r.gaps.length + 1} × ${line}, gaps ${r.gaps.map((g) => Math.round(g)).join(', ')} ms` };
  }
}

// ---------------------------------------------------------------------------------------------
// series: a value that falls and grows again (a sawtooth)
// ---------------------------------------------------------------------------------------------

interface SeriesState {
  last: number;
  /** A fall was seen and the value has not grown since. */
  falling: boolean;
  peak: number;
  trough: number;
  teeth: string[];
}

class SeriesNode implements Node {
  private readonly state = new Map<string, SeriesState>();

  constructor(
    private readonly of: CompiledMatcher,
    private readonly get: FieldDef['get'],
    private readonly name: string,
    private readonly falls: number,
    private readonly minFall: number,
    private readonly per: Per,
  ) {}

  push(view: EventView): Hit | null {
    if (!matches(this.of, view, null)) return null;
    const v = this.get(view.ev, view);
    if (typeof v !== 'number') return null;
    const k = groupKey(this.per, view);
    const s = this.state.get(k);
    if (s === undefined) {
      this.state.set(k, { last: v, falling: false, peak: v, trough: v, teeth: [] });
      return null;
    }
    if (v < s.last) {
      if (s.falling) {
        s.trough = Math.min(s.trough, v);
      } else if (v <= s.last * (1 - this.minFall)) {
        s.falling = true;
        s.peak = s.last;
        s.trough = v;
      }
    } else if (v > s.last && s.falling) {
      s.falling = false;
      s.teeth.push(`${s.peak}→${s.trough}`);
    }
    s.last = v;
    if (s.teeth.length < this.falls) return null;
    return { t: view.ev.t, evidence: `${this.name} fell and grew again ${s.teeth.length}×: ${s.teeth.slice(0, 6).join(', ')}${s.teeth.length > 6 ? ', …' : ''}` };
  }
}

// ---------------------------------------------------------------------------------------------
// all / any
// ---------------------------------------------------------------------------------------------

class AllNode implements Node {
  private readonly hits: (Hit | null)[];

  constructor(private readonly children: Node[]) {
    this.hits = children.map(() => null);
  }

  push(view: EventView): Hit | null {
    let missing = 0;
    for (let i = 0; i < this.children.length; i++) {
      if (this.hits[i] === null) this.hits[i] = (this.children[i] as Node).push(view);
      if (this.hits[i] === null) missing++;
    }
    if (missing > 0) return null;
    return { t: view.ev.t, evidence: this.hits.map((h) => h?.evidence).join(' | ') };
  }
}

class AnyNode implements Node {
  constructor(private readonly children: Node[]) {}

  push(view: EventView): Hit | null {
    for (const c of this.children) {
      const h = c.push(view);
      if (h) return h;
    }
    return null;
  }
}
