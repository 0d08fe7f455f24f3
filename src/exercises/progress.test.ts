// Progress: items ticked and hints opened, as plain JSON, merge-safe.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  emptyProgress,
  mergeProgress,
  openHint,
  parseProgress,
  progressKey,
  recordStatus,
  resetExercise,
  restoredItems,
  serializeProgress,
  type Progress,
} from './progress.ts';
import { builtinPack } from './builtin.ts';
import { createChecklist, type CheckStatus } from './evaluate.ts';
import { SCENARIOS } from './testing/scenarios.ts';

const KEY = progressKey('tcp-playground', 'handshake');
const done = (id: string, doneAt: number, evidence = `e-${id}`): CheckStatus => ({ id, label: id, done: true, doneAt, evidence });
const open = (id: string): CheckStatus => ({ id, label: id, done: false });

describe('recording', () => {
  it('records ticked items once, with wall-clock time, stack time and evidence', () => {
    let p = recordStatus(emptyProgress(), KEY, [done('syn', 0), open('ack')], 1000);
    p = recordStatus(p, KEY, [done('syn', 50, 'later'), done('ack', 20)], 2000);
    expect(p.exercises[KEY]).toEqual({
      epoch: 0,
      hintsOpened: 0,
      startedAt: 1000,
      items: { syn: { at: 1000, doneAt: 0, evidence: 'e-syn' }, ack: { at: 2000, doneAt: 20, evidence: 'e-ack' } },
    });
  });

  it('returns the same object when nothing changed (cheap to call after every batch)', () => {
    const p = recordStatus(emptyProgress(), KEY, [done('syn', 0)], 1);
    expect(recordStatus(p, KEY, [done('syn', 0), open('ack')], 2)).toBe(p);
    expect(openHint(openHint(p, KEY, 1, 3), KEY, 0, 4).exercises[KEY]?.hintsOpened).toBe(2);
  });

  it('reset starts the exercise over in a new epoch', () => {
    const p = resetExercise(openHint(recordStatus(emptyProgress(), KEY, [done('syn', 0)], 1), KEY, 0, 1), KEY);
    expect(p.exercises[KEY]).toEqual({ epoch: 1, items: {}, hintsOpened: 0 });
  });

  it('round-trips through JSON, and feeds a new checklist', () => {
    const ex = builtinPack().exercises.find((e) => e.id === 'handshake')!;
    const list = createChecklist(ex);
    list.push(SCENARIOS.handshake!(ex));
    const p = recordStatus(emptyProgress(), KEY, list.status(), 5);
    const back = parseProgress(serializeProgress(p));
    expect(back).toEqual(p);
    const again = createChecklist(ex, restoredItems(back, KEY));
    expect(again.complete).toBe(true);
    expect(again.status()).toEqual(list.status());
  });

  it('parses what it can of damaged records, never throws', () => {
    expect(parseProgress('not json')).toEqual(emptyProgress());
    expect(parseProgress(null)).toEqual(emptyProgress());
    const p = parseProgress({ version: 1, exercises: { a: { epoch: -1, hintsOpened: 'x', items: { ok: { at: 5 }, bad: { at: 'x' }, worse: 3 } }, b: 7 } });
    expect(p).toEqual({ version: 1, exercises: { a: { epoch: 0, hintsOpened: 0, items: { ok: { at: 5 } } } } });
  });
});

// Arbitrary progress records over a small set of keys and items, so merges overlap.
const item = fc.record({ at: fc.integer({ min: 0, max: 5 }), doneAt: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }), evidence: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }) }).map((i) => {
  const out: { at: number; doneAt?: number; evidence?: string } = { at: i.at };
  if (i.doneAt !== undefined) out.doneAt = i.doneAt;
  if (i.evidence !== undefined) out.evidence = i.evidence;
  return out;
});
const exerciseProgress = fc.record({
  epoch: fc.integer({ min: 0, max: 2 }),
  items: fc.dictionary(fc.constantFrom('syn', 'ack', 'fin'), item),
  hintsOpened: fc.integer({ min: 0, max: 3 }),
  startedAt: fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }),
}).map((e) => {
  const { startedAt, ...rest } = e;
  return startedAt === undefined ? rest : { ...rest, startedAt };
});
const progress: fc.Arbitrary<Progress> = fc.dictionary(fc.constantFrom('p/a', 'p/b', 'p/c'), exerciseProgress).map((exercises) => ({ version: 1, exercises }));

describe('merge-safe', () => {
  it('is commutative, associative and idempotent', () => {
    fc.assert(
      fc.property(progress, progress, progress, (a, b, c) => {
        expect(mergeProgress(a, b)).toEqual(mergeProgress(b, a));
        expect(mergeProgress(mergeProgress(a, b), c)).toEqual(mergeProgress(a, mergeProgress(b, c)));
        expect(mergeProgress(a, a)).toEqual(a);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps everything either side did: the earliest record of each item, the most hints', () => {
    const a = openHint(recordStatus(emptyProgress(), KEY, [done('syn', 0)], 10), KEY, 0, 10);
    const b = openHint(recordStatus(emptyProgress(), KEY, [done('syn', 5, 'other tab'), done('ack', 9)], 7), KEY, 2, 7);
    expect(mergeProgress(a, b).exercises[KEY]).toEqual({
      epoch: 0,
      hintsOpened: 3,
      startedAt: 7,
      items: { syn: { at: 7, doneAt: 5, evidence: 'other tab' }, ack: { at: 7, doneAt: 9, evidence: 'e-ack' } },
    });
  });

  it('a reset wins over older progress, and progress after the reset is kept', () => {
    const old = recordStatus(emptyProgress(), KEY, [done('syn', 0), done('ack', 1)], 1);
    const fresh = recordStatus(resetExercise(old, KEY), KEY, [done('syn', 3)], 9);
    expect(mergeProgress(old, fresh).exercises[KEY]?.items).toEqual({ syn: { at: 9, doneAt: 3, evidence: 'e-syn' } });
  });
});
