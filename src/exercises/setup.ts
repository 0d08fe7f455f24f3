// What an exercise asks the stack to be like before (or during) it: a profile and settings, link
// faults per direction, targeted drop rules, hold mode. Pure data; planSetup() turns it into the
// worker API calls the UI makes (configure, setFaults, addRule, setHold), so the UI and the tests
// apply an exercise the same way.
import { PROFILES, resolveSettings, type ProfileName, type StackSettings } from '../../workers/tcp/settings.ts';
import { validateFaultConfig, type FaultConfig } from '../../workers/tcp/sim/fault-config.ts';
import { RuleSet, Rules, type FaultRule } from '../../workers/tcp/sim/fault-rules.ts';
import { parseFlagNames } from './flags.ts';
import { at, checkKeys, isObject, Issues, kindOf, nearest, type JsonObject } from './issues.ts';

export type Dir = 'out' | 'in';

/** A targeted rule on one direction of the host's link (normalized: flags as numbers). */
export interface RuleSpec {
  dir: Dir;
  rule: FaultRule;
}

/** Setup for one host. */
export interface HostSetup {
  /** Start from this profile (every setting), then apply `settings`. */
  profile?: ProfileName;
  settings?: Partial<StackSettings>;
  faults?: { out?: FaultConfig; in?: FaultConfig };
  rules?: RuleSpec[];
  /** Hold mode: outgoing segments wait until released. */
  hold?: boolean;
}

/**
 * Setup for an exercise: the fields apply to YOUR host (offline: host 0); `peer` to the other one
 * (offline: host 1; partner exercises: your partner's tab; bot exercises: ignored, bots are fixed).
 */
export interface Setup extends HostSetup {
  peer?: HostSetup;
}

export type SetupAction =
  | { call: 'configure'; settings: Partial<StackSettings> }
  | { call: 'setFaults'; dir: Dir; config: FaultConfig }
  | { call: 'addRule'; dir: Dir; rule: FaultRule }
  | { call: 'setHold'; on: boolean };

/** The worker API calls for one host, in the order to make them. */
export function planHost(s: HostSetup | undefined): SetupAction[] {
  if (s === undefined) return [];
  const out: SetupAction[] = [];
  const settings = settingsOf(s);
  if (settings !== null) out.push({ call: 'configure', settings });
  for (const dir of ['out', 'in'] as const) {
    const config = s.faults?.[dir];
    if (config !== undefined) out.push({ call: 'setFaults', dir, config });
  }
  for (const r of s.rules ?? []) out.push({ call: 'addRule', dir: r.dir, rule: r.rule });
  if (s.hold !== undefined) out.push({ call: 'setHold', on: s.hold });
  return out;
}

/** Calls for both hosts. */
export function planSetup(s: Setup | undefined): { you: SetupAction[]; peer: SetupAction[] } {
  return { you: planHost(s), peer: planHost(s?.peer) };
}

/** The settings a host should be configured with (profile expanded), or null when it changes none. */
export function settingsOf(s: HostSetup | undefined): Partial<StackSettings> | null {
  if (s === undefined || (s.profile === undefined && s.settings === undefined)) return null;
  return { ...(s.profile ? PROFILES[s.profile] : {}), ...s.settings };
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

const HOST_KEYS = ['profile', 'settings', 'faults', 'rules', 'hold'] as const;
const SETTING_NAMES = Object.keys(PROFILES.modern) as (keyof StackSettings)[];
const PRESETS = ['syn', 'synAck', 'fin', 'rst', 'pureAck', 'data'] as const;
type Preset = (typeof PRESETS)[number];

/** Validate and normalize a setup (rule flags by name become numbers). null when invalid. */
export function parseSetup(json: unknown, path: string, issues: Issues, allowPeer = true): Setup | null {
  const before = issues.count;
  if (!isObject(json)) {
    issues.add(path, `must be an object, got ${kindOf(json)}`);
    return null;
  }
  checkKeys(json, allowPeer ? [...HOST_KEYS, 'peer'] : HOST_KEYS, path, issues);
  const s: Setup = hostSetup(json, path, issues);
  if (allowPeer && json.peer !== undefined) {
    const peer = parseSetup(json.peer, at(path, 'peer'), issues, false);
    if (peer) s.peer = peer;
  }
  return issues.count === before ? s : null;
}

function hostSetup(json: JsonObject, path: string, issues: Issues): HostSetup {
  const s: HostSetup = {};
  let base: StackSettings = PROFILES.modern;
  if (json.profile !== undefined) {
    if (json.profile === 'textbook' || json.profile === 'modern') {
      s.profile = json.profile;
      base = PROFILES[json.profile];
    } else {
      issues.add(at(path, 'profile'), `must be "textbook" or "modern", got ${kindOf(json.profile)}`);
    }
  }
  if (json.settings !== undefined) {
    const settings = parseSettings(json.settings, at(path, 'settings'), issues, base);
    if (settings) s.settings = settings;
  }
  if (json.faults !== undefined) {
    const fp = at(path, 'faults');
    if (!isObject(json.faults)) {
      issues.add(fp, `must be { "out"?: {…}, "in"?: {…} }, got ${kindOf(json.faults)}`);
    } else {
      checkKeys(json.faults, ['out', 'in'], fp, issues);
      const faults: { out?: FaultConfig; in?: FaultConfig } = {};
      for (const dir of ['out', 'in'] as const) {
        const c = json.faults[dir];
        if (c === undefined) continue;
        const r = validateFaultConfig(c);
        if (r.ok) faults[dir] = c as FaultConfig;
        else issues.add(at(fp, dir), r.reason);
      }
      s.faults = faults;
    }
  }
  if (json.rules !== undefined) {
    const rp = at(path, 'rules');
    if (!Array.isArray(json.rules)) {
      issues.add(rp, `must be a list of { "dir": "out" | "in", "rule": {…} }, got ${kindOf(json.rules)}`);
    } else {
      const rules: RuleSpec[] = [];
      json.rules.forEach((r, i) => {
        const spec = ruleSpec(r, at(rp, i), issues);
        if (spec) rules.push(spec);
      });
      s.rules = rules;
    }
  }
  if (json.hold !== undefined) {
    if (typeof json.hold === 'boolean') s.hold = json.hold;
    else issues.add(at(path, 'hold'), `must be true or false, got ${kindOf(json.hold)}`);
  }
  return s;
}

function parseSettings(json: unknown, path: string, issues: Issues, base: StackSettings): Partial<StackSettings> | null {
  if (!isObject(json)) {
    issues.add(path, `must be an object of stack settings, got ${kindOf(json)}`);
    return null;
  }
  const before = issues.count;
  for (const [key, value] of Object.entries(json)) {
    if (!(SETTING_NAMES as string[]).includes(key)) {
      const near = nearest(key, SETTING_NAMES);
      issues.add(at(path, key), `unknown setting "${key}"${near ? ` (did you mean "${near}"?)` : ''}`);
      continue;
    }
    const want = typeof base[key as keyof StackSettings];
    if (typeof value !== want) issues.add(at(path, key), `must be ${want === 'boolean' ? 'true or false' : 'a number'}, got ${kindOf(value)}`);
  }
  if (issues.count !== before) return null;
  const settings = json as Partial<StackSettings>;
  const r = resolveSettings({ ...base, ...settings });
  if (!r.ok) {
    issues.add(path, r.reason);
    return null;
  }
  return settings;
}

function ruleSpec(json: unknown, path: string, issues: Issues): RuleSpec | null {
  if (!isObject(json)) {
    issues.add(path, `must be { "dir": "out" | "in", "rule": {…} }, got ${kindOf(json)}`);
    return null;
  }
  checkKeys(json, ['dir', 'rule'], path, issues);
  const dir = json.dir;
  if (dir !== 'out' && dir !== 'in') {
    issues.add(at(path, 'dir'), `must be "out" (packets this host sends) or "in" (packets sent to it), got ${kindOf(dir)}`);
    return null;
  }
  const rule = faultRule(json.rule, at(path, 'rule'), issues);
  return rule ? { dir, rule } : null;
}

/**
 * A rule as written: the core's FaultRule with flags by name ("set": "SYN", "clear": "ACK,RST"),
 * or a ready-made one: { "preset": "synAck", "count": 1 }.
 */
function faultRule(json: unknown, path: string, issues: Issues): FaultRule | null {
  if (!isObject(json)) {
    issues.add(path, `must be a rule object, got ${kindOf(json)}`);
    return null;
  }
  let rule: FaultRule;
  if (json.preset !== undefined) {
    checkKeys(json, ['preset', 'count'], path, issues);
    const preset = json.preset;
    if (typeof preset !== 'string' || !(PRESETS as readonly string[]).includes(preset)) {
      issues.add(at(path, 'preset'), `must be one of ${PRESETS.join(', ')}, got ${kindOf(preset)}`);
      return null;
    }
    const count = json.count ?? 1;
    if (typeof count !== 'number') {
      issues.add(at(path, 'count'), `must be a whole number ≥ 1, got ${kindOf(count)}`);
      return null;
    }
    rule = Rules[preset as Preset](count);
  } else if (json.kind === 'match') {
    checkKeys(json, ['kind', 'set', 'clear', 'payload', 'count', 'label'], path, issues);
    const set = flagBits(json.set, at(path, 'set'), issues);
    const clear = flagBits(json.clear, at(path, 'clear'), issues);
    if (set === null || clear === null) return null;
    rule = { ...(json as FaultRule), kind: 'match', set, clear };
  } else if (json.kind === 'nth') {
    checkKeys(json, ['kind', 'n', 'label'], path, issues);
    rule = json as FaultRule;
  } else if (json.kind === 'blackout') {
    checkKeys(json, ['kind', 'duration', 'label'], path, issues);
    rule = json as FaultRule;
  } else {
    issues.add(at(path, 'kind'), `must be "match", "nth" or "blackout" (or use "preset"), got ${kindOf(json.kind)}`);
    return null;
  }
  if (rule.label !== undefined && typeof rule.label !== 'string') {
    issues.add(at(path, 'label'), `must be a text, got ${kindOf(rule.label)}`);
    return null;
  }
  // The link's own checks, so a rule that validates here is one the worker will accept.
  const r = new RuleSet().add(rule, 0);
  if (!r.ok) {
    issues.add(path, r.reason);
    return null;
  }
  return rule;
}

function flagBits(v: unknown, path: string, issues: Issues): number | null {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v; // the core's own form; RuleSet checks the range
  return parseFlagNames(v, path, issues, true);
}
