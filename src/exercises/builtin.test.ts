// Every built-in exercise, made to really happen on the core with its own setup applied: every item
// of its checklist must tick from the real trace. Bot and partner exercises must also tick from the
// student's own host's trace alone, since that is all a tab sees in the relay.
import { describe, expect, it } from 'vitest';
import { builtinPack } from './builtin.ts';
import { createChecklist } from './evaluate.ts';
import type { Exercise } from './schema.ts';
import { YOU } from './testing/lab.ts';
import { SCENARIOS } from './testing/scenarios.ts';
import type { TraceEvent } from '../../workers/tcp/trace.ts';

function run(ex: Exercise, trace: readonly TraceEvent[]): ReturnType<ReturnType<typeof createChecklist>['status']> {
  const list = createChecklist(ex);
  list.push(trace);
  return list.status();
}

const exercises = builtinPack().exercises;

describe('built-in exercises on the real core', () => {
  it('covers all 13 with a scenario', () => {
    expect(exercises.map((e) => e.id).filter((id) => SCENARIOS[id] === undefined)).toEqual([]);
  });

  for (const ex of exercises) {
    it(`${ex.id} (${ex.needs}): every item ticks, with evidence`, () => {
      const trace = SCENARIOS[ex.id]!(ex);
      const status = run(ex, trace);
      expect(status.filter((s) => !s.done).map((s) => s.id)).toEqual([]);
      for (const s of status) {
        expect(s.evidence, s.id).toBeTruthy();
        expect(typeof s.doneAt, s.id).toBe('number');
      }
      // The exercise's own faults and rules were really applied: the link says so in the trace.
      const armsFaults = ex.setup?.faults !== undefined || ex.setup?.rules !== undefined || ex.setup?.peer?.rules !== undefined;
      if (armsFaults) expect(trace.some((e) => e.type === 'fault')).toBe(true);
    });

    if (ex.needs !== 'offline') {
      it(`${ex.id}: ticks from the student's own trace alone`, () => {
        const own = SCENARIOS[ex.id]!(ex).filter((e) => e.host === YOU);
        expect(run(ex, own).filter((s) => !s.done).map((s) => s.id)).toEqual([]);
      });
    }
  }
});

describe('evidence reads like the packet log', () => {
  it('handshake: SYN seq=x; SYN,ACK seq=y ack=x+1; ACK seq=x+1 ack=y+1', () => {
    const ex = exercises.find((e) => e.id === 'handshake')!;
    const own = SCENARIOS.handshake!(ex).filter((e) => e.host === YOU);
    const ack = run(ex, own).find((s) => s.id === 'ack')!;
    const m = /^SYN seq=(\d+); SYN,ACK seq=(\d+) ack=(\d+); ACK seq=(\d+) ack=(\d+)$/.exec(ack.evidence ?? '');
    expect(m).not.toBeNull();
    const [x, y, a1, s3, a3] = m!.slice(1).map(Number) as [number, number, number, number, number];
    expect([a1, s3, a3]).toEqual([(x + 1) >>> 0, (x + 1) >>> 0, (y + 1) >>> 0]);
  });
});
