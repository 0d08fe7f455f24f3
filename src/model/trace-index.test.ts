import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { indexFor, TraceIndex } from './trace-index.ts';
import { ladderRows } from './ladder.ts';
import { timeSeries } from './series.ts';
import { segmentLabel } from './labels.ts';
import { A, B, fourWayClose, handshake, lossAndRetransmit, refused, simultaneousOpen, transfer } from './test-fixtures.ts';
import type { TraceEvent } from '../../workers/tcp/trace.ts';

/** Everything the views read, as plain data to compare. */
function snapshot(ix: TraceIndex) {
  return {
    conns: ix.connections().map((c) => [c.key, c.state, c.role, c.transitions.length]),
    rows: ix.rows().map((r) => [r.key, r.conn, segmentLabel(r), r.drop?.reason ?? null, r.retransmission, r.duplicate, r.dupAck, r.peer?.key ?? null]),
    ladders: ix.connections().map((c) => ladderRows(ix, c.key)?.arrows.map((a) => [a.key, a.y0, a.y1, a.fate])),
  };
}

describe('TraceIndex', () => {
  it('reads a grown array incrementally, to the same result as reading it whole', () => {
    const full = [...fourWayClose(lossAndRetransmit()).events, ...refused().events.map((e) => ({ ...e, host: e.host === A ? '10.0.0.3' : e.host }))];
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: full.length }), { maxLength: 6 }), (cuts) => {
        const growing: TraceEvent[] = [];
        let ix = indexFor(growing);
        for (const cut of [...cuts].sort((x, y) => x - y)) {
          while (growing.length < cut) growing.push(full[growing.length]!);
          ix = indexFor(growing);
          snapshot(ix); // read in between, as a live UI does
        }
        while (growing.length < full.length) growing.push(full[growing.length]!);
        expect(indexFor(growing)).toBe(ix);
        expect(snapshot(indexFor(growing))).toEqual(snapshot(indexFor(full.slice())));
      }),
      { numRuns: 40 },
    );
  });

  it('rebuilds when the array is rewritten rather than grown', () => {
    const events = handshake().events;
    const first = indexFor(events);
    expect(first.size).toBe(events.length);
    events.splice(0, events.length, ...simultaneousOpen().events);
    const second = indexFor(events);
    expect(second).not.toBe(first);
    expect(second.connections().map((c) => c.role)).toEqual(['active', 'active']);
  });

  it('returns the same arrays while nothing they hold changed', () => {
    const events = handshake().events;
    const ix = indexFor(events);
    const conns = ix.connections();
    const rows = ix.rows();
    const path = ix.path(`${A}#1`);
    events.push({ type: 'user', t: 99, host: A, conn: 1, call: 'write', result: 'ok' });
    indexFor(events);
    expect(ix.connections()).toBe(conns);
    expect(ix.rows()).toBe(rows);
    expect(ix.path(`${A}#1`)).toBe(path);
    events.push({ type: 'state', t: 100, host: A, conn: 1, from: 'ESTABLISHED', to: 'FIN-WAIT-1', cause: 'CLOSE / snd FIN' });
    indexFor(events);
    expect(ix.connections()).not.toBe(conns);
    expect(ix.path(`${A}#1`)).toHaveLength(3);
  });

  it('stays fast at 100,000 events: index, ladder and series well under a second each', () => {
    const events = transfer(25_000);
    expect(events.length).toBeGreaterThanOrEqual(100_000);
    let t = performance.now();
    const ix = indexFor(events);
    const indexMs = performance.now() - t;
    t = performance.now();
    const ladder = ladderRows(ix, `${A}#1`)!;
    const ladderMs = performance.now() - t;
    t = performance.now();
    const series = timeSeries(ix, `${A}#1`)!;
    const seriesMs = performance.now() - t;
    expect(ladder.arrows).toHaveLength(50_003);
    expect(series.out.segments).toHaveLength(25_001);
    // One more event costs one event, not a rebuild.
    events.push({ type: 'deliver', t: 1e6, host: B, conn: 1, bytes: 100 });
    t = performance.now();
    indexFor(events);
    const appendMs = performance.now() - t;
    // Generous bounds (a loaded CI machine); typical figures are a few times lower.
    expect(indexMs).toBeLessThan(3000);
    expect(ladderMs).toBeLessThan(2000);
    expect(seriesMs).toBeLessThan(1000);
    expect(appendMs).toBeLessThan(20);
    console.info(`100k events: index ${indexMs.toFixed(0)} ms, ladder ${ladderMs.toFixed(0)} ms, series ${seriesMs.toFixed(0)} ms, append ${appendMs.toFixed(2)} ms`);
  });
});
