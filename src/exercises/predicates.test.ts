// The predicate language, form by form, on small hand-made traces.
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../workers/tcp/trace.ts';
import { createChecklist, type CheckStatus } from './evaluate.ts';
import { evalExpr, parseExpr } from './expr.ts';
import { parseExercise } from './schema.ts';
import { A, B, conn, cwnd, error, seg, state, timer } from './testing/events.ts';

function item(when: unknown, events: TraceEvent[]): CheckStatus {
  const r = parseExercise({ id: 't', title: 'T', goal: 'G', needs: 'offline', steps: ['s'], checks: [{ id: 'c', label: 'L', when }] });
  if (!r.ok) throw new Error(r.errors.join('\n'));
  const list = createChecklist(r.value);
  list.push(events);
  return list.status()[0] as CheckStatus;
}

const X = 1000;
const Y = 5000;
/** A's view of a handshake, then B's view. */
const handshakeA = [
  conn(0, A, B, 'active'),
  state(0, A, 'CLOSED', 'SYN-SENT'),
  seg(0, A, B, 'out', 'SYN', X, 0),
  seg(10, A, B, 'in', 'SYN,ACK', Y, X + 1),
  state(10, A, 'SYN-SENT', 'ESTABLISHED'),
  seg(10, A, B, 'out', 'ACK', X + 1, Y + 1),
];

describe('expressions', () => {
  it('parses numbers, $variables, + and -', () => {
    const r = parseExpr('$x + 1 - $y + -2');
    expect(r.ok).toBe(true);
    if (r.ok) expect(evalExpr(r.expr, { x: 10, y: 3 })).toBe(6);
  });
  it('refuses anything else with a reason', () => {
    expect(parseExpr('$x * 2')).toEqual({ ok: false, reason: expect.stringContaining('"*"') });
    expect(parseExpr('$x +')).toEqual({ ok: false, reason: expect.stringContaining('ends with an operator') });
    expect(parseExpr('')).toEqual({ ok: false, reason: 'empty expression' });
  });
  it('is undefined when a variable is missing', () => {
    const r = parseExpr('$nope + 1');
    if (r.ok) expect(evalExpr(r.expr, {})).toBeUndefined();
  });
});

describe('single events', () => {
  it('matches flags exactly, with has and lacks', () => {
    expect(item({ segment: { flags: 'SYN' } }, handshakeA).evidence).toBe('SYN seq=1000');
    expect(item({ segment: { flags: 'ACK' } }, handshakeA).evidence).toBe('ACK seq=1001 ack=5001');
    expect(item({ segment: { has: 'SYN,ACK' } }, handshakeA).done).toBe(true);
    expect(item({ segment: { has: 'FIN' } }, handshakeA).done).toBe(false);
    expect(item({ segment: { has: 'ACK', lacks: 'SYN' } }, handshakeA).evidence).toBe('ACK seq=1001 ack=5001');
  });
  it('compares fields: equality, lists, comparisons', () => {
    expect(item({ segment: { dir: 'in', ack: 1001 } }, handshakeA).done).toBe(true);
    expect(item({ segment: { seq: [1, 2, 5000] } }, handshakeA).done).toBe(true);
    expect(item({ segment: { seq: { gt: 5000 } } }, handshakeA).done).toBe(false);
    expect(item({ state: { to: 'ESTABLISHED', from: { ne: 'LISTEN' } } }, handshakeA).evidence).toBe('SYN-SENT → ESTABLISHED');
    expect(item({ state: { cause: { contains: 'x' } } }, handshakeA).done).toBe(false);
  });
  it('knows the role of the connection end', () => {
    expect(item({ segment: { flags: 'SYN', role: 'active' } }, handshakeA).done).toBe(true);
    expect(item({ segment: { flags: 'SYN', role: 'passive' } }, handshakeA).done).toBe(false);
  });
  it('compares sequence numbers modulo 2^32', () => {
    const wrap = [seg(0, A, B, 'out', 'SYN', 0xffffffff, 0), seg(5, A, B, 'out', 'ACK', 0, 7)];
    expect(item({ then: [{ segment: { flags: 'SYN', bind: { x: 'seq' } } }, { segment: { seq: '$x + 1' } }] }, wrap).done).toBe(true);
    expect(item({ then: [{ segment: { flags: 'SYN', bind: { x: 'seq' } } }, { segment: { flags: 'ACK', seq: { gt: '$x' } } }] }, wrap).done).toBe(true);
  });
});

describe('then', () => {
  it('binds variables and checks arithmetic on them, with evidence', () => {
    const when = {
      then: [
        { segment: { flags: 'SYN', bind: { x: 'seq' } } },
        { segment: { flags: 'SYN,ACK', ack: '$x + 1', bind: { y: 'seq' } } },
        { segment: { flags: 'ACK', seq: '$x + 1', ack: '$y + 1' } },
      ],
    };
    const s = item(when, handshakeA);
    expect(s).toMatchObject({ done: true, doneAt: 10, evidence: 'SYN seq=1000; SYN,ACK seq=5000 ack=1001; ACK seq=1001 ack=5001' });
    // Only the SYN: the item stays open.
    expect(item(when, handshakeA.slice(0, 3)).done).toBe(false);
    // A wrong ack breaks it.
    const bad = [...handshakeA.slice(0, 3), seg(10, A, B, 'in', 'SYN,ACK', Y, X + 2), seg(10, A, B, 'out', 'ACK', X + 1, Y + 1)];
    expect(item(when, bad).done).toBe(false);
  });
  it('finds the right start among many candidates (a failed attempt before a good one)', () => {
    const when = { then: [{ segment: { flags: 'SYN', bind: { x: 'seq' } } }, { segment: { flags: 'SYN,ACK', ack: '$x + 1' } }] };
    const events = [seg(0, A, B, 'out', 'SYN', 1, 0), seg(1, A, B, 'out', 'SYN', 77, 0), seg(2, A, B, 'in', 'SYN,ACK', 9, 78)];
    expect(item(when, events).evidence).toBe('SYN seq=77; SYN,ACK seq=9 ack=78');
  });
  it('scopes steps to the same end, the peer end, or either', () => {
    // Both hosts' traces: A sends SYN; B receives it.
    const both = [conn(0, A, B, 'active'), seg(0, A, B, 'out', 'SYN', X, 0), conn(5, B, A, 'passive'), seg(5, B, A, 'in', 'SYN', X, 0)];
    const twice = (on: string): unknown => ({ then: [{ segment: { flags: 'SYN', dir: 'out' } }, { segment: { flags: 'SYN' }, on }] });
    expect(item(twice('peer'), both).done).toBe(true);
    expect(item(twice('same'), both).done).toBe(false);
    expect(item(twice('conn'), both).done).toBe(true);
    // A connection between other ports is neither.
    const other = { host: '10.0.0.2', port: 81, conn: 9 };
    const unrelated = [seg(0, A, B, 'out', 'SYN', X, 0), seg(5, other, A, 'in', 'SYN', X, 0)];
    expect(item(twice('conn'), unrelated).done).toBe(false);
    expect(item(twice('any'), unrelated).done).toBe(true);
  });
  it('places a SYN that reached a listener (no conn id yet) on the passive end', () => {
    const listenerSyn = seg(5, B, A, 'in', 'SYN', X, 0);
    if (listenerSyn.type === 'segment') listenerSyn.conn = null;
    expect(item({ segment: { flags: 'SYN', role: 'passive' } }, [listenerSyn]).done).toBe(true);
  });
  it('repeat, within, after and without', () => {
    const dup = (t: number, ack: number): TraceEvent => seg(t, A, B, 'in', 'ACK', Y, ack);
    const when = (extra: object): unknown => ({
      then: [{ segment: { dir: 'in', bind: { a: 'ack' } } }, { segment: { dir: 'in', ack: '$a' }, repeat: 3, ...extra }],
    });
    const acks = [dup(0, 10), dup(1, 10), dup(2, 10), dup(3, 10)];
    expect(item(when({}), acks).evidence).toBe('ACK seq=5000 ack=10 ×4');
    expect(item(when({}), acks.slice(0, 3)).done).toBe(false);
    expect(item(when({ within: 1 }), acks).done).toBe(true);
    expect(item(when({ within: 1 }), [dup(0, 10), dup(1, 10), dup(5, 10), dup(6, 10)]).done).toBe(false);
    expect(item(when({ after: 2 }), [dup(0, 10), dup(2, 10), dup(4, 10), dup(6, 10)]).done).toBe(true);
    // Another ack number in between kills the run…
    const broken = [dup(0, 10), dup(1, 10), dup(2, 20), dup(3, 10), dup(4, 10)];
    expect(item(when({ without: { segment: { dir: 'in', ack: { ne: '$a' } } } }), broken).done).toBe(false);
    // …but without `without` a subsequence is enough.
    expect(item(when({}), broken).done).toBe(true);
  });
});

describe('statePath', () => {
  const close = [
    conn(0, A, B, 'active'),
    state(1, A, 'ESTABLISHED', 'FIN-WAIT-1'),
    state(2, A, 'FIN-WAIT-1', 'CLOSING'),
    state(3, A, 'CLOSING', 'TIME-WAIT'),
    state(4, A, 'TIME-WAIT', 'CLOSED'),
  ];
  it('is a subsequence of one end’s states, or contiguous when strict', () => {
    expect(item({ statePath: ['FIN-WAIT-1', 'TIME-WAIT', 'CLOSED'] }, close).done).toBe(true);
    expect(item({ statePath: ['FIN-WAIT-1', 'TIME-WAIT', 'CLOSED'], strict: true }, close).done).toBe(false);
    expect(item({ statePath: ['FIN-WAIT-1', 'CLOSING', 'TIME-WAIT'], strict: true }, close).evidence).toBe('FIN-WAIT-1 → CLOSING → TIME-WAIT at 10.0.0.1:1000');
    expect(item({ statePath: ['ESTABLISHED', 'FIN-WAIT-1'] }, close).done).toBe(true);
  });
  it('can ask for several ends, or a role', () => {
    const two = [...close, conn(0, B, A, 'passive'), state(1, B, 'ESTABLISHED', 'FIN-WAIT-1'), state(2, B, 'FIN-WAIT-1', 'CLOSING')];
    expect(item({ statePath: ['FIN-WAIT-1', 'CLOSING'], ends: 2 }, close).done).toBe(false);
    expect(item({ statePath: ['FIN-WAIT-1', 'CLOSING'], ends: 2 }, two).done).toBe(true);
    expect(item({ statePath: ['FIN-WAIT-1', 'CLOSING'], role: 'passive' }, two).evidence).toBe('FIN-WAIT-1 → CLOSING at 10.0.0.2:80');
  });
  it('does not mix two connections', () => {
    const other = { host: '10.0.0.1', port: 1001, conn: 2 };
    const mixed = [conn(0, A, B, 'active'), conn(0, other, B, 'active'), state(1, A, 'ESTABLISHED', 'FIN-WAIT-1'), state(2, other, 'FIN-WAIT-2', 'TIME-WAIT')];
    expect(item({ statePath: ['FIN-WAIT-1', 'TIME-WAIT'] }, mixed).done).toBe(false);
  });
});

describe('count and absent', () => {
  const rtx = (t: number): TraceEvent => seg(t, A, B, 'out', 'SYN', X, 0, { reason: 'retransmit' });
  it('atLeast ticks when reached', () => {
    const when = { count: { segment: { reason: 'retransmit' } }, atLeast: 3 };
    expect(item(when, [rtx(1), rtx(2)]).done).toBe(false);
    expect(item(when, [rtx(1), rtx(2), rtx(4)])).toMatchObject({ done: true, doneAt: 4, evidence: '3 × SYN seq=1000 (retransmit)' });
  });
  it('exactly and atMost are judged at the time of `by`', () => {
    const when = { count: { segment: { reason: 'retransmit' } }, exactly: 2, by: { error: { code: 'ETIMEDOUT' } } };
    expect(item(when, [rtx(1), rtx(2), error(3, A, 'ETIMEDOUT')]).done).toBe(true);
    expect(item(when, [rtx(1), rtx(2), rtx(3), error(4, A, 'ETIMEDOUT')]).done).toBe(false);
  });
  it('absent: did not happen before `by`', () => {
    const when = { absent: { segment: { reason: 'retransmit' } }, by: { error: { code: 'ECONNREFUSED' } } };
    expect(item(when, [error(3, A, 'ECONNREFUSED')]).evidence).toBe('none before ECONNREFUSED');
    expect(item(when, [rtx(1), error(3, A, 'ECONNREFUSED')]).done).toBe(false);
  });
  it('counts per end by default, per connection or overall on request', () => {
    const both = [conn(0, A, B, 'active'), conn(0, B, A, 'passive'), seg(1, A, B, 'out', 'SYN,ACK', 1, 2), seg(2, B, A, 'out', 'SYN,ACK', 3, 4)];
    const when = (per?: string): unknown => ({ count: { segment: { flags: 'SYN,ACK', dir: 'out' } }, atLeast: 2, ...(per ? { per } : {}) });
    expect(item(when(), both).done).toBe(false);
    expect(item(when('conn'), both).done).toBe(true);
    expect(item(when('all'), both).done).toBe(true);
  });
});

describe('spacing and series', () => {
  const syn = (t: number): TraceEvent => seg(t, A, B, 'out', 'SYN', X, 0);
  it('spacing: each gap at least ratio × the previous', () => {
    const when = { spacing: { segment: { flags: 'SYN' } }, min: 4, ratio: 1.8 };
    expect(item(when, [syn(0), syn(1000), syn(3000), syn(7000)]).evidence).toBe('4 × SYN seq=1000, gaps 1000, 2000, 4000 ms');
    expect(item(when, [syn(0), syn(1000), syn(2000), syn(3000)]).done).toBe(false);
    // A run can start over after an irregular gap.
    expect(item(when, [syn(0), syn(1000), syn(1500), syn(2500), syn(4500), syn(8500)]).done).toBe(true);
  });
  it('series: falls that are followed by growth (a sawtooth)', () => {
    const when = { series: { cwnd: {} }, value: 'cwnd', falls: 2, minFall: 0.3 };
    const saw = [10, 20, 40, 20, 22, 24, 12, 13].map((v, i) => cwnd(i, A, v));
    expect(item(when, saw).evidence).toBe('cwnd fell and grew again 2×: 40→20, 24→12');
    // Small dips do not count; a fall without growth after it does not either.
    expect(item(when, [10, 20, 19, 21, 40, 20].map((v, i) => cwnd(i, A, v))).done).toBe(false);
  });
});

describe('all and any', () => {
  it('all needs every part (at any time), any one of them', () => {
    const a = { segment: { flags: 'SYN' } };
    const b = { error: { code: 'ETIMEDOUT' } };
    expect(item({ all: [a, b] }, handshakeA).done).toBe(false);
    expect(item({ all: [a, b] }, [...handshakeA, error(20, A, 'ETIMEDOUT')])).toMatchObject({ done: true, doneAt: 20 });
    expect(item({ any: [b, a] }, handshakeA).evidence).toBe('SYN seq=1000');
  });
});

describe('timers and faults', () => {
  it('matches timer events and fault events (flags read from the packet)', () => {
    expect(item({ timer: { timer: 'retransmit', action: 'fired' } }, [timer(5, A, 'retransmit', 'fired')]).evidence).toBe('retransmit timer fired');
  });
});

describe('missing fields', () => {
  it('a field the event lacks fails every test but ne', () => {
    const incoming = [seg(0, A, B, 'in', 'ACK', 1, 2)];
    expect(item({ segment: { reason: { ne: 'retransmit' } } }, incoming).done).toBe(true);
    expect(item({ segment: { reason: ['ack', 'data'] } }, incoming).done).toBe(false);
    expect(item({ segment: { mss: { gte: 0 } } }, incoming).done).toBe(false);
  });
});
