import { describe, expect, it } from 'vitest';
import { parseStatus } from '../../relay/protocol/status.ts';
import type { TraceRecord } from '../../workers/api.ts';
import type { TraceEvent } from '../../workers/tcp/trace.ts';
import { builtinPack, serializeProgress, parseProgress } from '../exercises/index.ts';
import { fourWayClose, handshake } from '../exercises/testing/scenarios.ts';
import { ExerciseSession } from './exercise-session.ts';

const pack = builtinPack();
const exercise = (id: string) => {
  const ex = pack.exercises.find((e) => e.id === id);
  if (ex === undefined) throw new Error(`no exercise ${id}`);
  return ex;
};
const records = (events: TraceEvent[]): TraceRecord[] => events.map((event, seq) => ({ seq, real: 1000 + seq, event }));

describe('ExerciseSession', () => {
  it('ticks the handshake from a real core trace and produces a status the relay accepts', () => {
    const ex = exercise('handshake');
    const trace = handshake(ex);
    const session = new ExerciseSession(pack, undefined, () => 42);
    expect(session.start(ex).every((c) => !c.done)).toBe(true);
    // Half the trace, then the rest: the checklist ticks as it goes and never unticks.
    const half = Math.floor(trace.length / 2);
    const rs = records(trace);
    const ticked = [...session.push(rs.slice(0, half)), ...session.push(rs.slice(half))];
    expect(ticked.sort()).toEqual(ex.checks.map((c) => c.id).sort());
    expect(session.complete).toBe(true);
    expect(session.status().every((c) => c.done && c.evidence !== undefined && c.doneAt !== undefined)).toBe(true);

    const status = session.toStatus();
    expect(status.exercise).toBe('handshake');
    expect(status.progress.handshake).toEqual({ done: ex.checks.length, total: ex.checks.length, title: ex.title });
    // The connection is still open at the end of the scenario; the bot's listener is on the peer.
    const mine = status.connections.find((c) => c.remote === '10.0.0.2:7');
    expect(mine).toMatchObject({ local: expect.stringMatching(/^10\.0\.0\.1:\d+$/), state: 'ESTABLISHED' });
    expect(status.connections).toContainEqual({ local: '10.0.0.2:7', remote: '*', state: 'LISTEN' });
    // What the relay would do with it: valid, and unchanged by normalization.
    expect(parseStatus({ type: 'status', ...status })).toEqual({ ok: true, value: status });

    // Progress was recorded (for saving), and a new session restores the ticks from it.
    const saved = parseProgress(serializeProgress(session.progress));
    const again = new ExerciseSession(pack, saved);
    expect(again.start(ex).every((c) => c.done)).toBe(true);
    expect(again.toStatus().progress.handshake?.done).toBe(ex.checks.length);
  });

  it('forgets closed connections, keeps hints and reset in the progress', () => {
    const ex = exercise('four-way-close');
    const session = new ExerciseSession(pack);
    session.start(ex);
    session.push(records(fourWayClose(ex)));
    // Both ends went through TIME-WAIT / LAST-ACK to CLOSED: only the listener is left.
    expect(session.toStatus().connections).toEqual([{ local: '10.0.0.2:80', remote: '*', state: 'LISTEN' }]);
    expect(session.openHint(0)).toBe(1);
    expect(session.openHint(99)).toBe(ex.hints.length);
    const done = session.progressOf(ex).done;
    expect(done).toBeGreaterThan(0);
    expect(session.reset().every((c) => !c.done)).toBe(true);
    expect(session.progressOf(ex).done).toBe(0);
    expect(session.hintsOpened).toBe(0);
  });

  it('reports no exercise and no progress before one is opened, and skips shell events', () => {
    const session = new ExerciseSession(pack);
    expect(session.push([{ type: 'shell', t: 0, host: '', kind: 'link', detail: 'joined' }])).toEqual([]);
    expect(session.toStatus()).toEqual({ connections: [], progress: {}, exercise: null });
  });
});
