// Cost: the trace of a bulk transfer is hundreds of thousands of events, and a tab runs the
// checklist as batches arrive. Push a 10 MB transfer (1% loss: retransmissions, SACK, cwnd changes)
// through all 13 checklists and report the rate. No hard timing assertion: machines differ.
import { expect, it } from 'vitest';
import { builtinPack } from './builtin.ts';
import { createChecklist } from './evaluate.ts';
import { congestion } from './testing/scenarios.ts';

it('a 10 MB transfer through all 13 checklists', () => {
  const exercises = builtinPack().exercises;
  const ex = exercises.find((e) => e.id === 'congestion')!;
  const { trace } = congestion(ex, { bytes: 10 * 1024 * 1024 });
  const lists = exercises.map((e) => createChecklist(e));
  const t0 = performance.now();
  // In batches of 2,000, as the worker sends them.
  for (let i = 0; i < trace.length; i += 2000) {
    const batch = trace.slice(i, i + 2000);
    for (const l of lists) l.push(batch);
  }
  const ms = performance.now() - t0;
  const rate = Math.round((trace.length * lists.length) / (ms / 1000));
  console.log(`${trace.length} events × ${lists.length} checklists in ${ms.toFixed(0)} ms: ${rate.toLocaleString('en')} events/s per checklist (${Math.round(trace.length / (ms / 1000)).toLocaleString('en')} trace events/s for all 13)`);
  expect(trace.length).toBeGreaterThan(50_000);
  expect(lists.find((l) => l.exerciseId === 'congestion')?.complete).toBe(true);
});
