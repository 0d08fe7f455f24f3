// The predicate language: what a checklist item waits for in the trace, as data.
//
// Nine forms, all built from one piece, the EVENT MATCHER `{ "<event type>": { <field tests> } }`:
//   { "segment": {…} }                 one event (any type: segment, state, timer, cwnd, error, fault…)
//   { "then": [step, step, …] }        events in this order, with variables bound along the way
//   { "statePath": [...] }             states one connection end passed through, in order
//   { "count": m, "atLeast": n }       how many events matched (optionally: by the time of another)
//   { "absent": m, "by": m2 }          m did not happen before m2 did
//   { "spacing": m, "ratio": 1.8 }     gaps between matching events each grow ≥ ratio × the previous
//   { "series": m, "value": "cwnd" }   a value falls and grows again (a sawtooth), N times
//   { "all": [p…] } / { "any": [p…] }  combinations
// SCHEMA.md documents every field with examples. This file validates the JSON and compiles it
// into matchers with getters resolved and expressions parsed; nodes.ts and match.ts run them.
import type { TraceEventType } from '../../workers/tcp/trace.ts';
import { STATES, type TcpState } from '../../workers/tcp/state.ts';
import { parseFlagNames } from './flags.ts';
import { evalExpr, exprVars, isBareVar, parseExpr, type Expr } from './expr.ts';
import { EVENT_TYPES, FLAGGED_TYPES, fieldFor, fieldNames, type FieldDef, type FieldKind, type FieldValue } from './fields.ts';
import { at, checkKeys, integerIn, isObject, Issues, kindOf, listWords, nearest, numberIn, type JsonObject } from './issues.ts';

// ---------------------------------------------------------------------------------------------
// The JSON form (what a teacher writes)
// ---------------------------------------------------------------------------------------------

export type Literal = number | string | boolean;

/**
 * A test on one field: a value (equal; "$x + 1" computes it from variables), a list (any of
 * them), or comparisons { eq, ne, gt, gte, lt, lte, oneOf, contains } which must all hold.
 */
export type Condition =
  | Literal
  | Literal[]
  | { eq?: Literal; ne?: Literal; gt?: Literal; gte?: Literal; lt?: Literal; lte?: Literal; oneOf?: Literal[]; contains?: string };

/** Field tests of one event matcher, plus the special keys flags / has / lacks / bind. */
export interface MatchFields {
  /** Exactly these flags, by name: "SYN,ACK". "" means no flag at all. */
  flags?: string;
  /** At least these flags. */
  has?: string;
  /** None of these flags. */
  lacks?: string;
  /** Variables to bind from the matched event: { "x": "seq" }. Only inside `then`. */
  bind?: Record<string, string>;
  [field: string]: Condition | Record<string, string> | undefined;
}

/** Exactly one key: the event type. */
export type EventPredicate = { [T in TraceEventType]?: MatchFields };

/** Which connection end a step may happen on, relative to the end of the sequence's first event. */
export type Scope = 'same' | 'peer' | 'conn' | 'any';
/** What counts are grouped by: one connection end, both ends of a connection, or everything. */
export type Per = 'end' | 'conn' | 'all';

export type Step = EventPredicate & {
  /** Default 'conn': either end of the first step's connection. */
  on?: Scope;
  /** At most this many ms after the previous step. */
  within?: number;
  /** At least this many ms after the previous step. */
  after?: number;
  /** The step must match this many times (default 1). */
  repeat?: number;
  /** The sequence fails if one of these happens (in the step's scope) before the step matches. */
  without?: EventPredicate | EventPredicate[];
};

export type Predicate =
  | EventPredicate
  | { then: Step[] }
  | { statePath: TcpState[]; role?: 'active' | 'passive'; strict?: boolean; ends?: number }
  | { count: EventPredicate | EventPredicate[]; atLeast?: number; atMost?: number; exactly?: number; by?: EventPredicate; per?: Per }
  | { absent: EventPredicate | EventPredicate[]; by: EventPredicate; per?: Per }
  | { spacing: EventPredicate; min?: number; ratio?: number; per?: Per }
  | { series: EventPredicate; value: string; falls: number; minFall?: number; per?: Per }
  | { all: Predicate[] }
  | { any: Predicate[] };

// ---------------------------------------------------------------------------------------------
// The compiled form (what the evaluator runs)
// ---------------------------------------------------------------------------------------------

export type Op = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'oneOf' | 'contains';
export type Operand = { lit: FieldValue } | { expr: Expr };

export interface CompiledTest {
  field: string;
  def: FieldDef;
  op: Op;
  operands: Operand[];
}

export interface CompiledMatcher {
  type: TraceEventType;
  /** -1 where not tested. */
  flagsExact: number;
  flagsHas: number;
  flagsLacks: number;
  tests: CompiledTest[];
  binds: { name: string; field: string; def: FieldDef }[];
  /** Fields the matcher mentions: evidence shows them. */
  shown: string[];
}

export interface CompiledStep {
  match: CompiledMatcher;
  on: Scope;
  within: number | null;
  after: number | null;
  repeat: number;
  without: CompiledMatcher[];
}

export type CompiledPredicate =
  | { kind: 'then'; steps: CompiledStep[] }
  | { kind: 'statePath'; path: TcpState[]; role: 'active' | 'passive' | null; strict: boolean; ends: number }
  | { kind: 'count'; of: CompiledMatcher[]; atLeast: number | null; atMost: number | null; by: CompiledMatcher | null; per: Per }
  | { kind: 'spacing'; of: CompiledMatcher; min: number; ratio: number; per: Per }
  | { kind: 'series'; of: CompiledMatcher; value: string; def: FieldDef; falls: number; minFall: number; per: Per }
  | { kind: 'all' | 'any'; of: CompiledPredicate[] };

const FORMS = ['then', 'statePath', 'count', 'absent', 'spacing', 'series', 'all', 'any'] as const;
const FORM_KEYS: Record<(typeof FORMS)[number], readonly string[]> = {
  then: ['then'],
  statePath: ['statePath', 'role', 'strict', 'ends'],
  count: ['count', 'atLeast', 'atMost', 'exactly', 'by', 'per'],
  absent: ['absent', 'by', 'per'],
  spacing: ['spacing', 'min', 'ratio', 'per'],
  series: ['series', 'value', 'falls', 'minFall', 'per'],
  all: ['all'],
  any: ['any'],
};
const STEP_OPTIONS = ['on', 'within', 'after', 'repeat', 'without'] as const;
const SCOPES: readonly Scope[] = ['same', 'peer', 'conn', 'any'];
const PERS: readonly Per[] = ['end', 'conn', 'all'];
const OPS: readonly Op[] = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'oneOf', 'contains'];
const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Variables bound so far, with the kind of field each came from. null: variables not allowed here. */
type VarKinds = Map<string, FieldKind> | null;

// ---------------------------------------------------------------------------------------------
// Compiling
// ---------------------------------------------------------------------------------------------

/** Validate and compile; problems go to `issues` and the result is then null. Never throws. */
export function compilePredicate(json: unknown, path: string, issues: Issues): CompiledPredicate | null {
  const before = issues.count;
  const p = predicate(json, path, issues);
  return issues.count === before ? p : null;
}

function predicate(json: unknown, path: string, issues: Issues): CompiledPredicate | null {
  if (!isObject(json)) {
    issues.add(path, `must be an object such as { "segment": { "flags": "SYN" } }, got ${kindOf(json)}`);
    return null;
  }
  const forms = FORMS.filter((f) => f in json);
  if (forms.length > 1) {
    issues.add(path, `has both "${forms[0]}" and "${forms[1]}": one predicate per object (use "all" to combine)`);
    return null;
  }
  const form = forms[0];
  if (form === undefined) {
    const step = eventMatcher(json, path, issues, new Map(), []);
    if (step === null) return null;
    return { kind: 'then', steps: [{ match: step, on: 'any', within: null, after: null, repeat: 1, without: [] }] };
  }
  checkKeys(json, FORM_KEYS[form], path, issues);
  switch (form) {
    case 'then':
      return thenForm(json.then, at(path, 'then'), issues);
    case 'statePath':
      return statePathForm(json, path, issues);
    case 'count':
      return countForm(json, path, issues, 'count');
    case 'absent':
      return countForm(json, path, issues, 'absent');
    case 'spacing':
      return spacingForm(json, path, issues);
    case 'series':
      return seriesForm(json, path, issues);
    case 'all':
    case 'any': {
      const list = json[form];
      const p = at(path, form);
      if (!Array.isArray(list) || list.length === 0) {
        issues.add(p, `must be a non-empty list of predicates, got ${kindOf(list)}`);
        return null;
      }
      const of = list.map((item, i) => predicate(item, at(p, i), issues));
      return of.every((x) => x !== null) ? { kind: form, of: of as CompiledPredicate[] } : null;
    }
  }
}

function thenForm(list: unknown, path: string, issues: Issues): CompiledPredicate | null {
  if (!Array.isArray(list) || list.length === 0) {
    issues.add(path, `must be a non-empty list of steps, got ${kindOf(list)}`);
    return null;
  }
  const vars = new Map<string, FieldKind>();
  const steps: CompiledStep[] = [];
  let ok = true;
  list.forEach((raw, i) => {
    const p = at(path, i);
    if (!isObject(raw)) {
      issues.add(p, `must be a step such as { "segment": { "flags": "SYN,ACK" } }, got ${kindOf(raw)}`);
      ok = false;
      return;
    }
    if (i === 0) {
      for (const opt of STEP_OPTIONS) if (opt in raw) issues.add(at(p, opt), `the first step has nothing before it, so "${opt}" cannot apply here`);
    }
    // `without` sees the variables bound before this step; the step's own bindings come after it.
    const without: CompiledMatcher[] = [];
    if (raw.without !== undefined) {
      const wl = Array.isArray(raw.without) ? raw.without : [raw.without];
      wl.forEach((w, j) => {
        const wp = Array.isArray(raw.without) ? at(at(p, 'without'), j) : at(p, 'without');
        if (!isObject(w)) {
          issues.add(wp, `must be an event matcher such as { "segment": { "has": "ACK" } }, got ${kindOf(w)}`);
          return;
        }
        const m = eventMatcher(w, wp, issues, vars, [], false);
        if (m) without.push(m);
      });
    }
    const match = eventMatcher(raw, p, issues, vars, STEP_OPTIONS);
    let on: Scope = 'conn';
    if (raw.on !== undefined) {
      if (typeof raw.on === 'string' && (SCOPES as readonly string[]).includes(raw.on)) on = raw.on as Scope;
      else issues.add(at(p, 'on'), `must be one of ${SCOPES.join(', ')}, got ${kindOf(raw.on)}`);
    }
    const within = raw.within === undefined ? null : numberIn(raw.within, 0, at(p, 'within'), issues) ?? null;
    const after = raw.after === undefined ? null : numberIn(raw.after, 0, at(p, 'after'), issues) ?? null;
    const repeat = raw.repeat === undefined ? 1 : integerIn(raw.repeat, 1, at(p, 'repeat'), issues) ?? 1;
    if (match === null) {
      ok = false;
      return;
    }
    steps.push({ match, on: i === 0 ? 'any' : on, within, after, repeat, without });
  });
  return ok && steps.length === list.length ? { kind: 'then', steps } : null;
}

function statePathForm(json: JsonObject, path: string, issues: Issues): CompiledPredicate | null {
  const p = at(path, 'statePath');
  const list = json.statePath;
  if (!Array.isArray(list) || list.length === 0) {
    issues.add(p, `must be a non-empty list of states such as ["FIN-WAIT-1", "FIN-WAIT-2"], got ${kindOf(list)}`);
    return null;
  }
  const states: TcpState[] = [];
  list.forEach((s, i) => {
    if (typeof s === 'string' && (STATES as readonly string[]).includes(s)) states.push(s as TcpState);
    else issues.add(at(p, i), unknownValue('state', s, STATES));
  });
  let role: 'active' | 'passive' | null = null;
  if (json.role !== undefined) {
    if (json.role === 'active' || json.role === 'passive') role = json.role;
    else issues.add(at(path, 'role'), `must be "active" or "passive", got ${kindOf(json.role)}`);
  }
  let strict = false;
  if (json.strict !== undefined) {
    if (typeof json.strict === 'boolean') strict = json.strict;
    else issues.add(at(path, 'strict'), `must be true or false, got ${kindOf(json.strict)}`);
  }
  const ends = json.ends === undefined ? 1 : integerIn(json.ends, 1, at(path, 'ends'), issues) ?? 1;
  return states.length === list.length ? { kind: 'statePath', path: states, role, strict, ends } : null;
}

function countForm(json: JsonObject, path: string, issues: Issues, form: 'count' | 'absent'): CompiledPredicate | null {
  const raw = json[form];
  const p = at(path, form);
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) issues.add(p, 'must name at least one event matcher');
  const of: CompiledMatcher[] = [];
  list.forEach((m, i) => {
    const mp = Array.isArray(raw) ? at(p, i) : p;
    if (!isObject(m)) {
      issues.add(mp, `must be an event matcher such as { "segment": { "reason": "retransmit" } }, got ${kindOf(m)}`);
      return;
    }
    const c = eventMatcher(m, mp, issues, null, []);
    if (c) of.push(c);
  });
  let by: CompiledMatcher | null = null;
  if (json.by !== undefined) {
    if (isObject(json.by)) by = eventMatcher(json.by, at(path, 'by'), issues, null, []);
    else issues.add(at(path, 'by'), `must be an event matcher, got ${kindOf(json.by)}`);
  }
  const per = perOf(json, path, issues);
  let atLeast: number | null = null;
  let atMost: number | null = null;
  if (form === 'absent') {
    if (json.by === undefined) issues.add(at(path, 'by'), 'is required: "absent" means "had not happened by the time `by` happened"');
    atMost = 0;
  } else {
    if (json.exactly !== undefined) {
      if (json.atLeast !== undefined || json.atMost !== undefined) issues.add(at(path, 'exactly'), 'cannot be combined with atLeast or atMost');
      atLeast = atMost = integerIn(json.exactly, 0, at(path, 'exactly'), issues) ?? null;
    }
    if (json.atLeast !== undefined) atLeast = integerIn(json.atLeast, 0, at(path, 'atLeast'), issues) ?? null;
    if (json.atMost !== undefined) atMost = integerIn(json.atMost, 0, at(path, 'atMost'), issues) ?? null;
    if (json.exactly === undefined && json.atLeast === undefined && json.atMost === undefined) {
      issues.add(path, 'a count needs atLeast, atMost or exactly');
    }
    if (atMost !== null && json.by === undefined) {
      // An upper bound is only meaningful at a moment: "at most 2 … by the time of …".
      issues.add(at(path, 'by'), 'is required with atMost/exactly: a checklist item cannot wait for "never again"');
    }
    if (atLeast === 0 && atMost === null) issues.add(at(path, 'atLeast'), '0 is always true; use "absent" for "did not happen"');
    if (atLeast !== null && atMost !== null && atLeast > atMost) issues.add(path, `atLeast (${atLeast}) is above atMost (${atMost})`);
  }
  return { kind: 'count', of, atLeast, atMost, by, per };
}

function spacingForm(json: JsonObject, path: string, issues: Issues): CompiledPredicate | null {
  const of = matcherField(json, 'spacing', path, issues);
  const min = json.min === undefined ? 3 : integerIn(json.min, 3, at(path, 'min'), issues) ?? 3;
  const ratio = json.ratio === undefined ? 1.8 : numberIn(json.ratio, 0, at(path, 'ratio'), issues, true) ?? 1.8;
  const per = perOf(json, path, issues);
  return of ? { kind: 'spacing', of, min, ratio, per } : null;
}

function seriesForm(json: JsonObject, path: string, issues: Issues): CompiledPredicate | null {
  const of = matcherField(json, 'series', path, issues);
  const falls = integerIn(json.falls, 1, at(path, 'falls'), issues);
  const minFall = json.minFall === undefined ? 0 : numberIn(json.minFall, 0, at(path, 'minFall'), issues);
  if (minFall !== undefined && minFall >= 1) issues.add(at(path, 'minFall'), `is a fraction of the value before the fall (0 … <1), got ${minFall}`);
  const per = perOf(json, path, issues);
  if (of === null) return null;
  const value = json.value;
  const def = typeof value === 'string' ? fieldFor(of.type, value) : undefined;
  if (typeof value !== 'string' || def === undefined || (def.kind !== 'num' && def.kind !== 'seq')) {
    const numeric = fieldNames(of.type).filter((n) => {
      const k = fieldFor(of.type, n)?.kind;
      return k === 'num' || k === 'seq';
    });
    issues.add(at(path, 'value'), `must name a number field of ${of.type} events (${listWords(numeric)}), got ${kindOf(value)}`);
    return null;
  }
  if (falls === undefined || minFall === undefined) return null;
  return { kind: 'series', of, value, def, falls, minFall, per };
}

function matcherField(json: JsonObject, key: string, path: string, issues: Issues): CompiledMatcher | null {
  const m = json[key];
  if (!isObject(m)) {
    issues.add(at(path, key), `must be an event matcher such as { "segment": { "flags": "SYN" } }, got ${kindOf(m)}`);
    return null;
  }
  return eventMatcher(m, at(path, key), issues, null, []);
}

function perOf(json: JsonObject, path: string, issues: Issues): Per {
  if (json.per === undefined) return 'end';
  if (typeof json.per === 'string' && (PERS as readonly string[]).includes(json.per)) return json.per as Per;
  issues.add(at(path, 'per'), `must be one of ${PERS.join(', ')}, got ${kindOf(json.per)}`);
  return 'end';
}

/**
 * `{ "<type>": { fields… } }` plus, in steps, the step options. `vars` holds what earlier steps bound
 * (null: no variables here); a step's own bindings are added to it afterwards unless `bindHere` is false.
 */
function eventMatcher(obj: JsonObject, path: string, issues: Issues, vars: VarKinds, extraKeys: readonly string[], bindHere = true): CompiledMatcher | null {
  const types = Object.keys(obj).filter((k) => !extraKeys.includes(k));
  const type = types[0];
  if (types.length !== 1 || type === undefined) {
    if (types.length === 0) issues.add(path, `needs an event type: one of ${EVENT_TYPES.join(', ')}`);
    else issues.add(path, `names ${types.map((t) => `"${t}"`).join(' and ')}: an event matcher names exactly one event type (${EVENT_TYPES.join(', ')})`);
    return null;
  }
  if (!(EVENT_TYPES as readonly string[]).includes(type)) {
    const near = nearest(type, [...EVENT_TYPES, ...FORMS]);
    issues.add(at(path, type), `unknown event type or predicate "${type}"${near ? ` (did you mean "${near}"?)` : ''}`);
    return null;
  }
  const t = type as TraceEventType;
  const p = at(path, t);
  const fields = obj[t];
  if (!isObject(fields)) {
    issues.add(p, `must be an object of field tests ({} matches any ${t} event), got ${kindOf(fields)}`);
    return null;
  }
  const before = issues.count;
  const m: CompiledMatcher = { type: t, flagsExact: -1, flagsHas: 0, flagsLacks: 0, tests: [], binds: [], shown: [] };
  for (const [key, value] of Object.entries(fields)) {
    const kp = at(p, key);
    if (key === 'flags' || key === 'has' || key === 'lacks') {
      if (!FLAGGED_TYPES.has(t)) {
        issues.add(kp, `${t} events carry no TCP flags (only ${[...FLAGGED_TYPES].join(', ')} do)`);
        continue;
      }
      const bits = parseFlagNames(value, kp, issues, key === 'flags');
      if (bits === null) continue;
      if (key === 'flags') m.flagsExact = bits;
      else if (key === 'has') m.flagsHas = bits;
      else m.flagsLacks = bits;
      continue;
    }
    if (key === 'bind') continue; // after the tests: a step cannot use what it binds itself
    const def = fieldFor(t, key);
    if (def === undefined) {
      const near = nearest(key, [...fieldNames(t), 'flags', 'has', 'lacks', 'bind']);
      issues.add(kp, `${t} events have no field "${key}"${near ? ` (did you mean "${near}"?)` : ''}; fields: ${listWords(fieldNames(t), 30)}`);
      continue;
    }
    m.shown.push(key);
    condition(value, key, def, kp, issues, vars, m.tests);
  }
  if ((m.flagsHas & m.flagsLacks) !== 0) issues.add(p, 'has and lacks share a flag, so this can never match');
  if (m.flagsExact >= 0 && ((m.flagsExact & m.flagsHas) !== m.flagsHas || (m.flagsExact & m.flagsLacks) !== 0)) {
    issues.add(p, 'flags contradicts has/lacks, so this can never match');
  }
  if (fields.bind !== undefined) bindings(fields.bind, t, at(p, 'bind'), issues, vars, m, bindHere);
  return issues.count === before ? m : null;
}

function bindings(raw: unknown, type: TraceEventType, path: string, issues: Issues, vars: VarKinds, m: CompiledMatcher, bindHere: boolean): void {
  if (vars === null || !bindHere) {
    issues.add(path, 'variables can only be bound in the steps of "then"');
    return;
  }
  if (!isObject(raw)) {
    issues.add(path, `must map variable names to fields, like { "x": "seq" }, got ${kindOf(raw)}`);
    return;
  }
  const fresh: [string, FieldKind][] = [];
  for (const [name, field] of Object.entries(raw)) {
    const bp = at(path, name);
    if (!VAR_NAME.test(name)) {
      issues.add(bp, `"${name}" is not a variable name (letters, digits and _, not starting with a digit)`);
      continue;
    }
    if (vars.has(name)) {
      issues.add(bp, `$${name} is already bound by an earlier step`);
      continue;
    }
    const def = typeof field === 'string' ? fieldFor(type, field) : undefined;
    if (def === undefined) {
      issues.add(bp, `must name a field of ${type} events (${listWords(fieldNames(type), 30)}), got ${kindOf(field)}`);
      continue;
    }
    m.binds.push({ name, field: field as string, def });
    if (!m.shown.includes(field as string)) m.shown.push(field as string);
    fresh.push([name, def.kind]);
  }
  for (const [name, kind] of fresh) vars.set(name, kind);
}

function condition(value: unknown, field: string, def: FieldDef, path: string, issues: Issues, vars: VarKinds, out: CompiledTest[]): void {
  if (Array.isArray(value)) {
    const operands = value.map((v, i) => operand(v, def, at(path, i), issues, vars));
    if (value.length === 0) issues.add(path, 'an empty list matches nothing');
    if (operands.every((o) => o !== null) && value.length > 0) out.push({ field, def, op: 'oneOf', operands: operands as Operand[] });
    return;
  }
  if (isObject(value)) {
    if (Object.keys(value).length === 0) issues.add(path, `needs a comparison: ${OPS.join(', ')}`);
    for (const [op, v] of Object.entries(value)) {
      const op2 = op as Op;
      const opPath = at(path, op);
      if (!OPS.includes(op2)) {
        const near = nearest(op, OPS);
        issues.add(opPath, `unknown comparison "${op}"${near ? ` (did you mean "${near}"?)` : ''}; use ${OPS.join(', ')}`);
        continue;
      }
      if ((op2 === 'gt' || op2 === 'gte' || op2 === 'lt' || op2 === 'lte') && def.kind !== 'num' && def.kind !== 'seq') {
        issues.add(opPath, `${field} is not a number, so it cannot be compared with ${op}`);
        continue;
      }
      if (op2 === 'contains') {
        if (def.kind !== 'str' || typeof v !== 'string') issues.add(opPath, `contains looks for a piece of text in a text field`);
        else out.push({ field, def, op: 'contains', operands: [{ lit: v }] });
        continue;
      }
      if (op2 === 'oneOf') {
        if (!Array.isArray(v) || v.length === 0) {
          issues.add(opPath, `must be a non-empty list, got ${kindOf(v)}`);
          continue;
        }
        const operands = v.map((x, i) => operand(x, def, at(opPath, i), issues, vars));
        if (operands.every((o) => o !== null)) out.push({ field, def, op: 'oneOf', operands: operands as Operand[] });
        continue;
      }
      const o = operand(v, def, opPath, issues, vars);
      if (o) out.push({ field, def, op: op2, operands: [o] });
    }
    return;
  }
  const o = operand(value, def, path, issues, vars);
  if (o) out.push({ field, def, op: 'eq', operands: [o] });
}

function operand(v: unknown, def: FieldDef, path: string, issues: Issues, vars: VarKinds): Operand | null {
  switch (def.kind) {
    case 'bool':
      if (typeof v === 'boolean') return { lit: v };
      issues.add(path, `must be true or false, got ${kindOf(v)}`);
      return null;
    case 'num':
    case 'seq': {
      if (typeof v === 'number' && Number.isFinite(v)) return { lit: v };
      if (typeof v !== 'string') {
        issues.add(path, `must be a number or an expression such as "$x + 1", got ${kindOf(v)}`);
        return null;
      }
      const r = parseExpr(v);
      if (!r.ok) {
        issues.add(path, r.reason);
        return null;
      }
      for (const name of exprVars(r.expr)) {
        const kind = vars?.get(name);
        if (vars === null) {
          issues.add(path, `uses $${name}, but variables can only be used in the steps of "then"`);
          return null;
        }
        if (kind === undefined) {
          issues.add(path, `uses $${name} before any earlier step binds it`);
          return null;
        }
        if (kind !== 'num' && kind !== 'seq') {
          issues.add(path, `$${name} holds text, it cannot be used in arithmetic`);
          return null;
        }
      }
      return r.expr.terms.length === 1 && r.expr.terms[0]?.num !== undefined ? { lit: evalExpr(r.expr, null) as number } : { expr: r.expr };
    }
    case 'str': {
      if (typeof v !== 'string') {
        issues.add(path, `must be a text${def.values ? ` (one of ${listWords(def.values)})` : ''}, got ${kindOf(v)}`);
        return null;
      }
      if (v.startsWith('$')) {
        const r = parseExpr(v);
        if (!r.ok || !isBareVar(r.expr)) {
          issues.add(path, `a text field can only be compared with a plain "$name", got "${v}"`);
          return null;
        }
        const name = exprVars(r.expr)[0] as string;
        const kind = vars?.get(name);
        if (kind === undefined) {
          issues.add(path, vars === null ? `uses $${name}, but variables can only be used in the steps of "then"` : `uses $${name} before any earlier step binds it`);
          return null;
        }
        if (kind !== 'str') {
          issues.add(path, `$${name} holds a number, not a text`);
          return null;
        }
        return { expr: r.expr };
      }
      if (def.values && !def.values.includes(v)) {
        issues.add(path, unknownValue('value', v, def.values));
        return null;
      }
      return { lit: v };
    }
  }
}

function unknownValue(what: string, v: unknown, allowed: readonly string[]): string {
  const near = typeof v === 'string' ? nearest(v, allowed) : null;
  return `unknown ${what} ${typeof v === 'string' ? `"${v}"` : kindOf(v)}${near ? ` (did you mean "${near}"?)` : ''}; one of ${listWords(allowed, 20)}`;
}
