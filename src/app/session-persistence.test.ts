import { describe, expect, it } from 'vitest';
import type { ApiResult, SaveRequest, SaveStatus } from '../../workers/api.ts';
import type { NewSession } from '../../workers/persistence/types.ts';
import { WorkerSessionSink } from './session-persistence.ts';
import type { SavingApi } from './session-persistence.ts';
import type { SessionStart } from './live-session.ts';

const START: SessionStart = { mode: 'relay', room: 'lab', name: 'Ana', url: 'ws://x/ws', profile: 'modern', hosts: [{ index: 0, address: '10.0.0.5', hostname: 'ana' }] };

function fakeApi(answer: (r: SaveRequest) => Promise<ApiResult<number>>) {
  const calls: { op: string; arg: unknown }[] = [];
  const status: SaveStatus = { id: 1, saved: 0, pending: 0, missed: 0, error: null };
  const api: SavingApi = {
    saveSession: (r: SaveRequest) => (calls.push({ op: 'save', arg: r }), answer(r)),
    noteSession: async (p: Partial<NewSession>) => (calls.push({ op: 'note', arg: p }), { ok: true, value: undefined }),
    endSession: async (p?: Partial<NewSession>) => (calls.push({ op: 'end', arg: p }), { ok: true, value: undefined }),
    flushSession: async () => (calls.push({ op: 'flush', arg: null }), status),
  };
  return { api, calls };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('WorkerSessionSink: the page tells the worker what to save', () => {
  it('asks the worker to save from the session’s first record, with the session’s row, and reports its id', async () => {
    const { api, calls } = fakeApi(async () => ({ ok: true, value: 7 }));
    const started: number[] = [];
    const sink = new WorkerSessionSink(api, { started: (id) => started.push(id), failed: () => {} });
    sink.begin(START, 120);
    await tick();
    expect(started).toEqual([7]);
    const req = calls[0]!.arg as SaveRequest;
    expect(req.fromSeq).toBe(120);
    expect(req.meta).toMatchObject({ mode: 'relay', room: 'lab', name: 'Ana', url: 'ws://x/ws', profile: 'modern', endedAt: null, imported: false, hosts: [{ address: '10.0.0.5', hostname: 'ana' }] });
    sink.hosts([{ index: 0, address: '10.0.0.9', hostname: 'ana' }]);
    sink.end();
    await sink.flush();
    expect(calls.map((c) => c.op)).toEqual(['save', 'note', 'end', 'flush']);
    expect(calls[1]!.arg).toEqual({ hosts: [{ address: '10.0.0.9', hostname: 'ana' }] });
    expect((calls[2]!.arg as Partial<NewSession>).endedAt).toEqual(expect.any(Number));
  });

  it('does not take a late answer for a session that already ended as the current one', async () => {
    let answer: (r: ApiResult<number>) => void = () => {};
    const { api } = fakeApi(() => new Promise((r) => (answer = r)));
    const started: number[] = [];
    const sink = new WorkerSessionSink(api, { started: (id) => started.push(id), failed: () => {} });
    sink.begin(START, 0);
    sink.end();
    answer({ ok: true, value: 3 });
    await tick();
    expect(started).toEqual([]);
  });

  it('says so when the worker cannot save', async () => {
    const { api } = fakeApi(async () => ({ ok: false, error: { code: 'ESTORAGE', message: 'the session cannot be saved: IndexedDB is not available in this browser' } }));
    const failed: string[] = [];
    const sink = new WorkerSessionSink(api, { started: () => {}, failed: (m) => failed.push(m) });
    sink.begin(START, 0);
    await tick();
    expect(failed).toEqual(['This session is not being saved: the session cannot be saved: IndexedDB is not available in this browser']);
  });
});
