// The exercise format: TypeScript types for the engine and the UI, and the runtime validator for
// JSON written by teachers. The validator never throws: it returns every problem it finds as
// "path: message" lines (see SCHEMA.md for the format, field by field).
import { compilePredicate, type Predicate } from './predicates.ts';
import { at, checkKeys, isObject, Issues, kindOf, nonEmptyString, type JsonObject } from './issues.ts';
import { parseSetup, type Setup } from './setup.ts';

/** Where the other end of the exercise comes from. */
export type Needs = 'partner' | 'bot' | 'offline';
export const NEEDS: readonly Needs[] = ['partner', 'bot', 'offline'];

/** The relay's built-in bots and their well-known ports. */
export const BOT_PORTS = { echo: 7, discard: 9, daytime: 13, chargen: 19, http: 80 } as const;
export type BotService = keyof typeof BOT_PORTS;

export interface Bot {
  service: BotService;
  /** The port to use (default: the service's well-known port; another one for "nobody listens"). */
  port: number;
}

export interface ExerciseStep {
  text: string;
  /** Setup the UI offers to apply when the student reaches this step ("arm the rule now"). */
  apply?: Setup;
}

export interface Check {
  id: string;
  label: string;
  /** Why it matters, shown once ticked (or on request). */
  explain?: string;
  /** A popular claim this item tests (true/false exercises): shown next to what was observed. */
  claim?: string;
  when: Predicate;
}

export interface Exercise {
  id: string;
  title: string;
  goal: string;
  needs: Needs;
  /** For needs "bot": which bot to talk to. */
  bot?: Bot;
  /** Who does what: "you" drive your host (offline: host 1), "peer" the other one. */
  roles?: { you?: string; peer?: string };
  steps: ExerciseStep[];
  /** Revealed one at a time. */
  hints: string[];
  setup?: Setup;
  checks: Check[];
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

const EXERCISE_KEYS = ['id', 'title', 'goal', 'needs', 'bot', 'roles', 'steps', 'hints', 'setup', 'checks'] as const;
const CHECK_KEYS = ['id', 'label', 'explain', 'claim', 'when'] as const;
const ID = /^[a-z0-9][a-z0-9-]*$/;

/** Validate one exercise on its own. */
export function parseExercise(json: unknown): ParseResult<Exercise> {
  const issues = new Issues();
  const ex = safely(() => validateExercise(json, 'exercise', issues), issues);
  return ex !== null && issues.count === 0 ? { ok: true, value: ex } : { ok: false, errors: issues.list };
}

/** Validate and normalize (step texts become { text }, rule flags become numbers). */
export function validateExercise(json: unknown, path: string, issues: Issues): Exercise | null {
  const before = issues.count;
  if (!isObject(json)) {
    issues.add(path, `must be an exercise object, got ${kindOf(json)}`);
    return null;
  }
  checkKeys(json, EXERCISE_KEYS, path, issues);
  const id = nonEmptyString(json, 'id', path, issues);
  if (id !== undefined && !ID.test(id)) issues.add(at(path, 'id'), `"${id}" must be lower-case letters, digits and dashes (it names the exercise in saved progress)`);
  const title = nonEmptyString(json, 'title', path, issues);
  const goal = nonEmptyString(json, 'goal', path, issues);
  const needs = json.needs;
  if (typeof needs !== 'string' || !(NEEDS as readonly string[]).includes(needs)) {
    issues.add(at(path, 'needs'), `must be one of ${NEEDS.map((n) => `"${n}"`).join(', ')}, got ${kindOf(needs)}`);
  }
  const bot = parseBot(json, path, issues);
  const roles = parseRoles(json.roles, at(path, 'roles'), issues);
  const steps = parseSteps(json.steps, at(path, 'steps'), issues);
  const hints = parseTexts(json.hints, at(path, 'hints'), issues, true);
  const setup = json.setup === undefined ? undefined : parseSetup(json.setup, at(path, 'setup'), issues) ?? undefined;
  const checks = parseChecks(json.checks, at(path, 'checks'), issues);
  if (needs === 'bot') {
    // Bots run the relay's fixed configuration: a peer setup would silently not happen.
    if (setup?.peer) issues.add(at(at(path, 'setup'), 'peer'), 'does not apply when needs is "bot": the bots are not configurable');
    steps.forEach((s, i) => {
      if (s.apply?.peer) issues.add(at(at(at(at(path, 'steps'), i), 'apply'), 'peer'), 'does not apply when needs is "bot": the bots are not configurable');
    });
  }
  if (issues.count !== before) return null;
  const ex: Exercise = { id: id!, title: title!, goal: goal!, needs: needs as Needs, steps, hints, checks };
  if (bot) ex.bot = bot;
  if (roles) ex.roles = roles;
  if (setup) ex.setup = setup;
  return ex;
}

function parseBot(json: JsonObject, path: string, issues: Issues): Bot | undefined {
  const p = at(path, 'bot');
  if (json.bot === undefined) {
    if (json.needs === 'bot') issues.add(p, `is required when needs is "bot": { "service": ${Object.keys(BOT_PORTS).map((s) => `"${s}"`).join(' | ')} }`);
    return undefined;
  }
  if (json.needs !== 'bot') issues.add(p, 'only applies when needs is "bot"');
  const b = json.bot;
  if (!isObject(b)) {
    issues.add(p, `must be { "service": "echo", "port"?: 7 }, got ${kindOf(b)}`);
    return undefined;
  }
  checkKeys(b, ['service', 'port'], p, issues);
  const service = b.service;
  if (typeof service !== 'string' || !Object.hasOwn(BOT_PORTS, service)) {
    issues.add(at(p, 'service'), `must be one of ${Object.entries(BOT_PORTS).map(([s, n]) => `"${s}" (port ${n})`).join(', ')}, got ${kindOf(service)}`);
    return undefined;
  }
  const port = b.port ?? BOT_PORTS[service as BotService];
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    issues.add(at(p, 'port'), `must be a port 1–65535, got ${kindOf(port)}`);
    return undefined;
  }
  return { service: service as BotService, port };
}

function parseRoles(json: unknown, path: string, issues: Issues): Exercise['roles'] | undefined {
  if (json === undefined) return undefined;
  if (!isObject(json)) {
    issues.add(path, `must be { "you"?: "…", "peer"?: "…" }, got ${kindOf(json)}`);
    return undefined;
  }
  checkKeys(json, ['you', 'peer'], path, issues);
  const roles: NonNullable<Exercise['roles']> = {};
  const you = nonEmptyString(json, 'you', path, issues, false);
  const peer = nonEmptyString(json, 'peer', path, issues, false);
  if (you !== undefined) roles.you = you;
  if (peer !== undefined) roles.peer = peer;
  return roles;
}

function parseSteps(json: unknown, path: string, issues: Issues): ExerciseStep[] {
  if (!Array.isArray(json) || json.length === 0) {
    issues.add(path, `must be a non-empty list of steps (texts, or { "text": "…", "apply": {…} }), got ${kindOf(json)}`);
    return [];
  }
  const out: ExerciseStep[] = [];
  json.forEach((s, i) => {
    const p = at(path, i);
    if (typeof s === 'string') {
      if (s.trim() === '') issues.add(p, 'is empty');
      out.push({ text: s });
      return;
    }
    if (!isObject(s)) {
      issues.add(p, `must be a text or { "text": "…", "apply": {…} }, got ${kindOf(s)}`);
      return;
    }
    checkKeys(s, ['text', 'apply'], p, issues);
    const text = nonEmptyString(s, 'text', p, issues);
    const step: ExerciseStep = { text: text ?? '' };
    if (s.apply !== undefined) {
      const apply = parseSetup(s.apply, at(p, 'apply'), issues);
      if (apply) step.apply = apply;
    }
    out.push(step);
  });
  return out;
}

function parseTexts(json: unknown, path: string, issues: Issues, emptyListOk: boolean): string[] {
  if (json === undefined && emptyListOk) return [];
  if (!Array.isArray(json)) {
    issues.add(path, `must be a list of texts, got ${kindOf(json)}`);
    return [];
  }
  json.forEach((h, i) => {
    if (typeof h !== 'string' || h.trim() === '') issues.add(at(path, i), `must be a non-empty text, got ${kindOf(h)}`);
  });
  return json as string[];
}

function parseChecks(json: unknown, path: string, issues: Issues): Check[] {
  if (!Array.isArray(json) || json.length === 0) {
    issues.add(path, `must be a non-empty list of checklist items, got ${kindOf(json)}`);
    return [];
  }
  const seen = new Set<string>();
  const out: Check[] = [];
  json.forEach((c, i) => {
    const p = at(path, i);
    if (!isObject(c)) {
      issues.add(p, `must be { "id", "label", "when" }, got ${kindOf(c)}`);
      return;
    }
    checkKeys(c, CHECK_KEYS, p, issues);
    const id = nonEmptyString(c, 'id', p, issues);
    if (id !== undefined) {
      if (!ID.test(id)) issues.add(at(p, 'id'), `"${id}" must be lower-case letters, digits and dashes`);
      if (seen.has(id)) issues.add(at(p, 'id'), `"${id}" is used by an earlier item of this exercise`);
      seen.add(id);
    }
    const label = nonEmptyString(c, 'label', p, issues);
    const explain = nonEmptyString(c, 'explain', p, issues, false);
    const claim = nonEmptyString(c, 'claim', p, issues, false);
    if (c.when === undefined) issues.add(at(p, 'when'), 'is required: the trace predicate that ticks this item');
    else compilePredicate(c.when, at(p, 'when'), issues);
    const check: Check = { id: id ?? '', label: label ?? '', when: c.when as Predicate };
    if (explain !== undefined) check.explain = explain;
    if (claim !== undefined) check.claim = claim;
    out.push(check);
  });
  return out;
}

/** Run a validator; an exception (a bug, or a hostile object) becomes one more issue. */
export function safely<T>(f: () => T, issues: Issues): T | null {
  try {
    return f();
  } catch (e) {
    issues.add('', `could not be read: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
}
