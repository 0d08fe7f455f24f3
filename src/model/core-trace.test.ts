// The model against what the real TCP core records (workers/tcp/host.ts), not just hand-written
// fixtures: two hosts, a lossy link for one data segment, a transfer and a close.
import { describe, expect, it } from 'vitest';
import { createHost } from '../../workers/tcp/host.ts';
import type { Host } from '../../workers/tcp/host.ts';
import { createSeededRandom } from '../../workers/tcp/random.ts';
import { PROFILES } from '../../workers/tcp/settings.ts';
import type { TraceEvent } from '../../workers/tcp/trace.ts';
import { decodePacket } from '../../workers/tcp/wire/packet.ts';
import { indexFor } from './trace-index.ts';
import { visitedStates } from './connections.ts';
import { pairConnections } from './pairing.ts';
import { ladderRows } from './ladder.ts';
import { timeSeries } from './series.ts';
import { segmentLabel } from './labels.ts';

const DELAY = 10;

/** Two hosts on a 10 ms link; the `lose`-th data segment from A is lost (recorded as a fault). */
function run(lose: number): TraceEvent[] {
  const events: TraceEvent[] = [];
  const make = (address: string, seed: number): Host => {
    const r = createHost({ address, random: createSeededRandom(seed), settings: { ...PROFILES.textbook }, trace: (e) => events.push(e) });
    if (!r.ok) throw new Error(r.reason);
    return r.value;
  };
  const a = make('10.0.0.1', 1);
  const b = make('10.0.0.2', 2);
  const queue: { at: number; to: Host; bytes: Uint8Array }[] = [];
  let now = 0;
  let dataSent = 0;
  const step = (until: number) => {
    for (;;) {
      for (const [from, to] of [[a, b], [b, a]] as const) {
        for (const bytes of from.takeOutput()) {
          const d = decodePacket(bytes);
          if (from === a && d.ok && d.value.tcp.payload.length > 0 && ++dataSent === lose) {
            events.push({ type: 'fault', t: now, host: '10.0.0.1', dir: 'out', fault: 'loss', bytes, detail: 'lost (test)' });
            continue;
          }
          queue.push({ at: now + DELAY, to, bytes });
        }
      }
      queue.sort((x, y) => x.at - y.at);
      const deadline = Math.min(a.nextDeadline() ?? Infinity, b.nextDeadline() ?? Infinity);
      const next = Math.min(queue[0]?.at ?? Infinity, deadline);
      if (next > until) return;
      now = next;
      while (queue[0] && queue[0].at <= now) {
        const p = queue.shift()!;
        p.to.input(p.bytes, now);
      }
      a.poll(now);
      b.poll(now);
      for (const h of [a, b]) {
        for (const ev of h.takeEvents()) {
          if (ev.kind === 'accept') h.accept(ev.port);
          if (ev.kind === 'readable') h.read(ev.conn, 1 << 20, now);
        }
      }
    }
  };
  expect(b.listen(80).ok).toBe(true);
  const c = a.connect({ remoteAddr: '10.0.0.2', remotePort: 80 }, now);
  if (!c.ok) throw new Error(c.error.message);
  step(100);
  a.write(c.value, new Uint8Array(3000).fill(65), now);
  step(3000);
  a.close(c.value, now);
  step(now + 50);
  const server = b.connections().find((x) => x.role === 'passive')!;
  b.close(server.id, now);
  step(now + 60_000);
  return events;
}

describe('the model on a real core trace', () => {
  const events = run(2);
  const ix = indexFor(events);

  it('finds both ends, pairs them and follows both paths to CLOSED', () => {
    const pairs = pairConnections(ix);
    expect(pairs).toHaveLength(1);
    const { a, b } = pairs[0]!;
    expect([a.role, b?.role]).toEqual(['active', 'passive']);
    expect(visitedStates(ix.path(a.key))).toEqual(['CLOSED', 'SYN-SENT', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT', 'CLOSED']);
    expect(visitedStates(ix.path(b!.key))).toEqual(['CLOSED', 'LISTEN', 'SYN-RECEIVED', 'ESTABLISHED', 'CLOSE-WAIT', 'LAST-ACK', 'CLOSED']);
  });

  it('puts every segment on a connection, the listener’s SYN included', () => {
    expect(ix.rows().filter((r) => r.conn === null)).toEqual([]);
  });

  it('draws a ladder where every packet but the lost one arrives, after it was sent', () => {
    const key = ix.connections()[0]!.key;
    const l = ladderRows(ix, key)!;
    expect(l.bothSides).toBe(true);
    expect(l.arrows.filter((x) => x.fate !== 'delivered').map((x) => x.fate)).toEqual(['lost']);
    for (const x of l.arrows) expect(x.y1).toBeGreaterThan(x.y0);
    expect(segmentLabel(l.arrows[0]!.row)).toMatch(/^SYN seq=0 len=0 /);
    expect(segmentLabel(l.arrows[1]!.row)).toMatch(/^SYN,ACK seq=0 ack=1 /);
    expect(segmentLabel(l.arrows[2]!.row)).toMatch(/^ACK seq=1 ack=1 /);
    const retrans = l.arrows.filter((x) => x.retransmission);
    expect(retrans.length).toBeGreaterThanOrEqual(1);
    expect(retrans[0]!.row.seq).toBe(l.arrows.find((x) => x.fate === 'lost')!.row.seq);
    expect(l.marks.at(-1)).toMatchObject({ to: 'CLOSED', cause: 'Timeout=2MSL / delete TCB' });
  });

  it('gives the sender’s time-sequence series and its last TCB', () => {
    const key = ix.connections()[0]!.key;
    const s = timeSeries(ix, key)!;
    const data = s.out.segments.filter((x) => x.end - x.seq > 1);
    expect(data.reduce((n, x) => n + (x.retransmission ? 0 : x.end - x.seq), 0)).toBe(3000);
    expect(data.some((x) => x.dropped)).toBe(true);
    expect(s.out.acks.at(-1)!.ack).toBe(3002); // SYN + 3000 bytes + FIN
    expect(ix.metrics(key)?.tcbs.at(-1)?.tcb.state).toBe('CLOSED');
  });
});
