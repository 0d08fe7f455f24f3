// Incremental = batch: the checklist reads events once, in order, so how the trace is cut into
// batches must not matter; and an item once ticked stays ticked.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { builtinPack } from './builtin.ts';
import { createChecklist, type CheckStatus } from './evaluate.ts';
import type { Exercise } from './schema.ts';
import { SCENARIOS } from './testing/scenarios.ts';
import type { TraceEvent } from '../../workers/tcp/trace.ts';

const exercises = builtinPack().exercises;
const traces = new Map<string, TraceEvent[]>(exercises.map((ex) => [ex.id, SCENARIOS[ex.id]!(ex)]));

function inBatches(ex: Exercise, trace: readonly TraceEvent[], cuts: number[]): CheckStatus[] {
  const list = createChecklist(ex);
  let from = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    list.push(trace.slice(from, c));
    from = Math.max(from, c);
  }
  list.push(trace.slice(from));
  return list.status();
}

describe('incremental = batch', () => {
  for (const ex of exercises) {
    it(`${ex.id}: one event at a time gives the same checklist as all at once`, () => {
      const trace = traces.get(ex.id)!;
      const all = createChecklist(ex);
      all.push(trace);
      const one = createChecklist(ex);
      const ticked: string[] = [];
      for (const e of trace) ticked.push(...one.push([e]));
      expect(one.status()).toEqual(all.status());
      expect(one.seen).toBe(trace.length);
      // push() reports each item once, when it ticks.
      expect(ticked.sort()).toEqual(all.status().filter((s) => s.done).map((s) => s.id).sort());
    });
  }

  it('any split into batches gives the same result (property)', () => {
    const ids = exercises.map((e) => e.id);
    fc.assert(
      fc.property(fc.constantFrom(...ids), fc.array(fc.nat(), { maxLength: 40 }), (id, raw) => {
        const ex = exercises.find((e) => e.id === id)!;
        const trace = traces.get(id)!;
        const cuts = raw.map((n) => n % (trace.length + 1));
        expect(inBatches(ex, trace, cuts)).toEqual(inBatches(ex, trace, []));
      }),
      { numRuns: 150 },
    );
  });

  it('once ticked, an item stays ticked: every prefix ticks a subset of the whole trace', () => {
    fc.assert(
      fc.property(fc.constantFrom(...exercises.map((e) => e.id)), fc.double({ min: 0, max: 1, noNaN: true }), (id, f) => {
        const ex = exercises.find((e) => e.id === id)!;
        const trace = traces.get(id)!;
        const list = createChecklist(ex);
        list.push(trace.slice(0, Math.floor(f * trace.length)));
        const before = list.status().filter((s) => s.done);
        list.push(trace.slice(Math.floor(f * trace.length)));
        const after = list.status();
        for (const b of before) expect(after.find((s) => s.id === b.id)).toEqual(b);
      }),
      { numRuns: 100 },
    );
  });

  it('restored items start ticked and keep their evidence', () => {
    const ex = exercises.find((e) => e.id === 'handshake')!;
    const list = createChecklist(ex, { ack: { doneAt: 20, evidence: 'from last time' } });
    expect(list.status().find((s) => s.id === 'ack')).toMatchObject({ done: true, doneAt: 20, evidence: 'from last time' });
    list.push(traces.get('handshake')!);
    expect(list.status().find((s) => s.id === 'ack')?.evidence).toBe('from last time');
    expect(list.complete).toBe(true);
  });

  it('skips events it does not know (the worker interleaves its own "shell" events)', () => {
    const ex = exercises.find((e) => e.id === 'handshake')!;
    const trace = traces.get('handshake')!;
    const list = createChecklist(ex);
    list.push(trace.flatMap((e) => [{ type: 'shell', t: e.t, host: e.host, kind: 'clock', detail: '' }, e]));
    const plain = createChecklist(ex);
    plain.push(trace);
    expect(list.status()).toEqual(plain.status());
  });

  it('an exercise that skipped validation shows the problem instead of throwing', () => {
    const ex = exercises.find((e) => e.id === 'handshake')!;
    const broken: Exercise = { ...ex, checks: [{ id: 'x', label: 'X', when: { segment: { flags: 'SIN' } } }] };
    const s = createChecklist(broken).status()[0]!;
    expect(s.done).toBe(false);
    expect(s.error).toMatch(/unknown flag "SIN"/);
  });
});
