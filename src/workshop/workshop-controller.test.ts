// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { ApiResult, LinkState, TraceRecord } from '../../workers/api.ts';
import type { HostStatus } from '../../relay/protocol/messages.ts';
import type { TraceEvent } from '../../workers/tcp/trace.ts';
import { builtinPack, progressKey } from '../exercises/index.ts';
import { connectionRefused, handshake } from '../exercises/testing/scenarios.ts';
import { MemoryProgressStore } from './progress-store.ts';
import { WorkshopController, type WorkshopWorker } from './workshop-controller.ts';

const pack = builtinPack();
const exercise = (id: string) => pack.exercises.find((e) => e.id === id)!;
const records = (events: TraceEvent[]): TraceRecord[] => events.map((event, seq) => ({ seq, real: 1000 + seq, event }));

const joined: LinkState = {
  status: 'joined', url: 'ws://x/ws', room: 'lab', name: 'Ana', address: '10.0.1.2', hostname: 'ana', subnet: '10.0.1.0/24',
  mtu: 1500, hosts: [], role: 'student', teacherCode: null, watchedByTeacher: true, addressChanged: null,
};

/** A fake worker: records every call; `refuse` names calls that answer with an error. */
function fakeApi(refuse: Record<string, string> = {}) {
  const calls: string[] = [];
  const published: HostStatus[] = [];
  const answer = (name: string): Promise<ApiResult<unknown>> =>
    Promise.resolve(refuse[name] !== undefined ? { ok: false, error: { code: 'EFAULT', message: refuse[name]! } } : { ok: true, value: undefined });
  const api: WorkshopWorker = {
    mode: () => 'relay',
    startOffline: (o) => (calls.push(`startOffline ${o?.hosts}`), answer('startOffline')),
    configure: (s, h) => (calls.push(`configure ${JSON.stringify(s)} @${h}`), answer('configure')),
    setFaults: (d, c, h) => (calls.push(`setFaults ${d} ${JSON.stringify(c)} @${h}`), answer('setFaults')),
    addRule: (d, r, h) => (calls.push(`addRule ${d} ${r.kind} @${h}`), answer('addRule')),
    setHold: (on, h) => (calls.push(`setHold ${on} @${h}`), answer('setHold')),
    publishStatus: (s) => (published.push(s), { ok: true, value: undefined }),
  };
  return { api, calls, published };
}

/** Manual timers: the test decides when time passes. */
function manualClock() {
  let now = 0;
  const timers: { at: number; fn: () => void }[] = [];
  return {
    now: () => now,
    setTimer: (fn: () => void, ms: number) => {
      const t = { at: now + ms, fn };
      timers.push(t);
      return t;
    },
    clearTimer: (h: unknown) => void timers.splice(timers.indexOf(h as (typeof timers)[number]), 1),
    advance(ms: number) {
      now += ms;
      for (const t of timers.filter((t) => t.at <= now)) {
        timers.splice(timers.indexOf(t), 1);
        t.fn();
      }
    },
  };
}

describe('WorkshopController', () => {
  it('applies the setup plan in order: fresh offline hosts, then host 0, then host 1', async () => {
    const { api, calls } = fakeApi();
    const c = new WorkshopController(api);
    c.selectExercise('lost-syn');
    const report = await c.applySetup();
    expect(report.ok).toBe(true);
    expect(calls).toEqual([
      'startOffline 2',
      expect.stringMatching(/^configure .*"synRetries":3.* @0$/),
      'addRule out match @0',
      expect.stringMatching(/^configure .* @1$/),
      'addRule out match @1',
    ]);
    expect(c.snapshot().setup).toBe(report);
  });

  it('tells its subscribers about a batch of records only when an item ticks', () => {
    const { api } = fakeApi();
    const c = new WorkshopController(api, { store: new MemoryProgressStore() });
    c.selectExercise('handshake');
    const snaps: unknown[] = [];
    c.subscribe((s) => snaps.push(s));
    const all = records(handshake(exercise('handshake')));
    // Records that prove nothing (a bulk transfer's thousands of batches) make no new snapshot.
    const quiet = all.filter((r) => r.event.type === 'timer');
    expect(quiet.length).toBeGreaterThan(0);
    c.push(quiet);
    expect(snaps).toHaveLength(0);
    c.push(all);
    expect(snaps.length).toBeGreaterThan(0);
    expect(c.snapshot().checks.some((x) => x.done)).toBe(true);
  });

  it('runs the partner side the tab plays, and Arm applies a step', async () => {
    const { api, calls } = fakeApi();
    const c = new WorkshopController(api);
    c.selectExercise('cumulative-ack');
    await c.applySetup();
    expect(calls).toEqual(['configure {"delayedAck":true} @0']);
    calls.length = 0;
    c.setSide('peer');
    await c.applySetup();
    await c.arm(1);
    expect(calls).toEqual(['configure {"nagle":false} @0', 'setHold true @0']);
    expect((await c.arm(0)).ok).toBe(false); // step 0 switches nothing on
  });

  it('reports a refused call with the worker\'s message and still runs the rest', async () => {
    const { api, calls } = fakeApi({ configure: 'msl: must be at least 1 ms' });
    const c = new WorkshopController(api);
    c.selectExercise('four-way-close');
    const report = await c.applySetup();
    expect(report.ok).toBe(false);
    expect(report.calls.filter((x) => !x.ok)).toEqual([
      { call: 'configure', host: 0, ok: false, message: 'msl: must be at least 1 ms' },
      { call: 'configure', host: 1, ok: false, message: 'msl: must be at least 1 ms' },
    ]);
    expect(report.summary).toContain('configure on host 1 was refused: msl: must be at least 1 ms');
    expect(calls).toHaveLength(3);
  });

  it('publishes its status throttled, and only in a room', () => {
    const { api, published } = fakeApi();
    const clock = manualClock();
    const c = new WorkshopController(api, { ...clock, publishEveryMs: 300 });
    c.selectExercise('handshake');
    const trace = records(handshake(exercise('handshake')));
    c.push(trace.slice(0, 3));
    clock.advance(1000);
    expect(published).toHaveLength(0); // not in a room
    c.setLink(joined);
    clock.advance(0);
    expect(published).toHaveLength(1);
    for (let i = 3; i < trace.length; i++) {
      c.push([trace[i]!]);
      clock.advance(10);
    }
    // Dozens of batches in ~0.5 s: at most one status per 300 ms, the last one up to date.
    expect(published.length).toBeLessThanOrEqual(3);
    clock.advance(300);
    expect(published.at(-1)!.progress.handshake).toMatchObject({ done: 5, total: 5 });
    expect(published.at(-1)!.exercise).toBe('handshake');
  });

  it('saves progress and restores it into a new session (re-ticked by the engine)', async () => {
    const store = new MemoryProgressStore();
    const first = new WorkshopController(fakeApi().api, { store });
    await first.setIdentity('lab', 'ana');
    first.selectExercise('connection-refused');
    first.push(records(connectionRefused(exercise('connection-refused'))));
    expect(first.snapshot().checks.every((x) => x.done)).toBe(true);
    await first.flush();
    const saved = await store.load('lab', 'ana');
    expect(Object.keys(saved.exercises[progressKey(pack.name, 'connection-refused')]!.items).sort()).toEqual(['closed', 'error', 'no-retry', 'rst']);
    expect((await store.load('lab', 'bo')).exercises).toEqual({});

    // A reload: a new controller, the exercise open before the store answered.
    const second = new WorkshopController(fakeApi().api, { store });
    second.selectExercise('connection-refused');
    expect(second.snapshot().checks.some((x) => x.done)).toBe(false);
    await second.setIdentity('lab', 'ana');
    const checks = second.snapshot().checks;
    expect(checks.every((x) => x.done && x.evidence !== undefined)).toBe(true);
  });

  it('notifies subscribers and stops after unsubscribe', () => {
    const c = new WorkshopController(fakeApi().api);
    const seen: (string | undefined)[] = [];
    const off = c.subscribe((s) => seen.push(s.exercise?.id));
    c.selectExercise('handshake');
    off();
    c.selectExercise('time-wait');
    expect(seen).toEqual(['handshake']);
    expect(c.selectExercise('nope')).toBe(false);
  });
});
