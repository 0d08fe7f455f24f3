// The validator: every built-in passes; bad packs get readable errors that name the path; nothing
// a teacher (or a fuzzer) can write makes it throw.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BUILTIN_PACK_JSON, builtinPack, builtinPackResult } from './builtin.ts';
import { parsePack } from './pack.ts';
import { parseExercise } from './schema.ts';
import { planSetup } from './setup.ts';
import { Flag } from '../../workers/tcp/wire/types.ts';

/** A fresh, mutable copy of the built-in pack's JSON. */
function pack(): { name: string; version: string; exercises: Record<string, unknown>[] } {
  return structuredClone(BUILTIN_PACK_JSON) as never;
}

function errorsOf(json: unknown): string[] {
  const r = parsePack(json);
  return r.ok ? [] : r.errors;
}

const minimal = { id: 'e', title: 'T', goal: 'G', needs: 'offline', steps: ['do it'], checks: [{ id: 'c', label: 'L', when: { segment: { flags: 'SYN' } } }] };

describe('built-in pack', () => {
  it('validates, with 13 exercises and unique ids', () => {
    const r = builtinPackResult();
    expect(r.ok ? [] : r.errors).toEqual([]);
    const p = builtinPack();
    expect(p.exercises).toHaveLength(13);
    expect(new Set(p.exercises.map((e) => e.id)).size).toBe(13);
  });

  it('each exercise validates on its own, and names what it needs', () => {
    for (const ex of (BUILTIN_PACK_JSON as { exercises: unknown[] }).exercises) {
      const r = parseExercise(ex);
      expect(r.ok ? [] : r.errors).toEqual([]);
      if (r.ok && r.value.needs === 'bot') expect(r.value.bot).toBeDefined();
    }
  });

  it('normalizes steps and rules: texts become { text }, flag names become bits', () => {
    const lost = builtinPack().exercises.find((e) => e.id === 'lost-syn');
    expect(lost?.steps[0]).toEqual({ text: 'Host 2 listens on port 80.' });
    expect(lost?.setup?.rules?.[0]).toEqual({ dir: 'out', rule: { kind: 'match', set: Flag.SYN, clear: Flag.ACK | Flag.RST, count: 2, label: 'SYN' } });
    const plan = planSetup(lost?.setup);
    expect(plan.you.map((a) => a.call)).toEqual(['configure', 'addRule']);
    expect(plan.peer.map((a) => a.call)).toEqual(['configure', 'addRule']);
  });
});

describe('bad packs: readable errors naming the path', () => {
  it('an unknown flag', () => {
    const p = pack();
    const checks = p.exercises[3]!.checks as { when: unknown }[];
    checks[1]!.when = { segment: { flags: 'SIN' } };
    expect(errorsOf(p)).toEqual(['exercises[3].checks[1].when.segment.flags: unknown flag "SIN" (did you mean "SYN"?); flags are FIN, SYN, RST, PSH, ACK, URG, ECE, CWR']);
  });

  it('unknown states, fields, event types and comparisons, with suggestions', () => {
    const p = pack();
    const checks = p.exercises[0]!.checks as { when: unknown }[];
    checks[0]!.when = { statePath: ['FIN_WAIT_1', 'TIME-WAIT'] };
    checks[1]!.when = { segment: { sequence: 5 } };
    checks[2]!.when = { segmnet: {} };
    checks[3]!.when = { segment: { len: { greater: 0 } } };
    const errors = errorsOf(p);
    expect(errors).toContain('exercises[0].checks[0].when.statePath[0]: unknown state "FIN_WAIT_1" (did you mean "FIN-WAIT-1"?); one of CLOSED, LISTEN, SYN-SENT, SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2, CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT');
    expect(errors.find((e) => e.startsWith('exercises[0].checks[1].when.segment.sequence:'))).toMatch(/segment events have no field "sequence"/);
    expect(errors).toContain('exercises[0].checks[2].when.segmnet: unknown event type or predicate "segmnet" (did you mean "segment"?)');
    expect(errors.find((e) => e.startsWith('exercises[0].checks[3].when.segment.len.greater:'))).toMatch(/unknown comparison "greater"/);
  });

  it('variables used before they are bound, or of the wrong kind', () => {
    const p = pack();
    const checks = p.exercises[0]!.checks as { when: unknown }[];
    checks[0]!.when = { then: [{ segment: { flags: 'SYN' } }, { segment: { ack: '$x + 1' } }] };
    checks[1]!.when = { then: [{ segment: { bind: { h: 'src' } } }, { segment: { seq: '$h + 1' } }] };
    checks[2]!.when = { count: { segment: { seq: '$x' } }, atLeast: 1 };
    checks[3]!.when = { then: [{ segment: { bind: { x: 'nope' } } }, { state: {} }] };
    const errors = errorsOf(p);
    expect(errors).toContain('exercises[0].checks[0].when.then[1].segment.ack: uses $x before any earlier step binds it');
    expect(errors).toContain('exercises[0].checks[1].when.then[1].segment.seq: $h holds text, it cannot be used in arithmetic');
    expect(errors).toContain('exercises[0].checks[2].when.count.segment.seq: uses $x, but variables can only be used in the steps of "then"');
    expect(errors.find((e) => e.startsWith('exercises[0].checks[3].when.then[0].segment.bind.x:'))).toMatch(/must name a field of segment events/);
  });

  it('structural problems: missing fields, wrong types, duplicates, typos', () => {
    const p = pack();
    delete p.exercises[1]!.title;
    p.exercises[2]!.needs = 'robot';
    p.exercises[4]!.id = p.exercises[0]!.id;
    (p.exercises[5] as Record<string, unknown>).titel = 'x';
    p.exercises[6]!.checks = [];
    const errors = errorsOf(p);
    expect(errors).toContain('exercises[1].title: is required (a non-empty text)');
    expect(errors).toContain('exercises[2].needs: must be one of "partner", "bot", "offline", got the text "robot"');
    expect(errors).toContain('exercises[4].id: "handshake" is already the id of exercises[0]');
    expect(errors).toContain('exercises[5].titel: unknown field "titel" (did you mean "title"?)');
    expect(errors).toContain('exercises[6].checks: must be a non-empty list of checklist items, got a list');
  });

  it('setup: unknown settings, bad values, bad faults and rules, bot without a service', () => {
    const p = pack();
    p.exercises[0]!.setup = { settings: { msll: 5 } };
    p.exercises[1]!.setup = { settings: { mss: 10 } };
    p.exercises[2]!.setup = { faults: { out: { loss: 2 } } };
    p.exercises[3]!.setup = { rules: [{ dir: 'out', rule: { kind: 'match', set: 'SYN', clear: 'SYN' } }] };
    p.exercises[4]!.setup = { rules: [{ dir: 'up', rule: { preset: 'syn' } }] };
    delete p.exercises[5]!.bot;
    const errors = errorsOf(p);
    expect(errors).toContain('exercises[0].setup.settings.msll: unknown setting "msll" (did you mean "msl"?)');
    expect(errors).toContain('exercises[1].setup.settings: mss must be 64…65495, got 10');
    expect(errors).toContain('exercises[2].setup.faults.out: loss must be between 0 and 1, got 2');
    expect(errors).toContain('exercises[3].setup.rules[0].rule: set and clear share a flag, so the rule could never match');
    expect(errors).toContain('exercises[4].setup.rules[0].dir: must be "out" (packets this host sends) or "in" (packets sent to it), got the text "up"');
    expect(errors.find((e) => e.startsWith('exercises[5].bot:'))).toMatch(/is required when needs is "bot"/);
  });

  it('predicate forms: counts without a bound, a first step with options, contradictions', () => {
    const p = pack();
    const checks = p.exercises[0]!.checks as { when: unknown }[];
    checks[0]!.when = { count: { segment: {} } };
    checks[1]!.when = { count: { segment: {} }, atMost: 2 };
    checks[2]!.when = { then: [{ segment: {}, within: 5 }] };
    checks[3]!.when = { segment: { has: 'SYN', lacks: 'SYN' } };
    checks[4]!.when = { series: { cwnd: {} }, value: 'reason', falls: 2 };
    const errors = errorsOf(p);
    expect(errors).toContain('exercises[0].checks[0].when: a count needs atLeast, atMost or exactly');
    expect(errors).toContain('exercises[0].checks[1].when.by: is required with atMost/exactly: a checklist item cannot wait for "never again"');
    expect(errors).toContain('exercises[0].checks[2].when.then[0].within: the first step has nothing before it, so "within" cannot apply here');
    expect(errors).toContain('exercises[0].checks[3].when.segment: has and lacks share a flag, so this can never match');
    expect(errors.find((e) => e.startsWith('exercises[0].checks[4].when.value:'))).toMatch(/must name a number field of cwnd events/);
  });

  it('reports every problem at once, not just the first', () => {
    const p = pack();
    delete p.exercises[0]!.goal;
    delete p.exercises[12]!.goal;
    expect(errorsOf(p)).toEqual(['exercises[0].goal: is required (a non-empty text)', 'exercises[12].goal: is required (a non-empty text)']);
  });

  it('top-level problems', () => {
    expect(errorsOf(null)).toEqual(['a pack must be an object { "name", "version", "exercises" }, got null']);
    expect(errorsOf({ name: 'x', version: 1, exercises: [] })).toEqual(['exercises: must be a non-empty list of exercises, got a list']);
    const ok = parsePack({ name: 'x', version: 2, exercises: [minimal] });
    expect(ok.ok && ok.value.version).toBe('2');
  });
});

describe('never throws', () => {
  it('on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (j) => {
        const r = parsePack(j);
        return r.ok || r.errors.length > 0;
      }),
      { numRuns: 300 },
    );
  });

  it('on the built-in pack with one value replaced anywhere', () => {
    // Collect every path of the pack, then replace the value at a random one with random JSON.
    const paths: (string | number)[][] = [];
    const walk = (v: unknown, path: (string | number)[]): void => {
      paths.push(path);
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
      else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    };
    walk(BUILTIN_PACK_JSON, []);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: paths.length - 1 }), fc.jsonValue(), (i, value) => {
        const p = pack() as unknown as Record<string | number, unknown>;
        const path = paths[i]!;
        let o = p;
        for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
        o[path.at(-1)!] = value;
        const r = parsePack(p);
        return r.ok || r.errors.every((e) => typeof e === 'string' && e.length > 0);
      }),
      { numRuns: 500 },
    );
  });

  it('on hostile objects (getters that throw)', () => {
    const evil = { name: 'x', version: '1', get exercises(): never { throw new Error('boom'); } };
    expect(parsePack(evil)).toEqual({ ok: false, errors: ['could not be read: boom'] });
  });
});
