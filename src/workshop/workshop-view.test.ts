// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import './workshop-view.ts';
import type { ApiResult, LinkState, TraceRecord } from '../../workers/api.ts';
import type { HostStatusEntry } from '../../relay/protocol/messages.ts';
import type { TraceEvent } from '../../workers/tcp/trace.ts';
import { BUILTIN_PACK_JSON, builtinPack } from '../exercises/index.ts';
import { connectionRefused } from '../exercises/testing/scenarios.ts';
import { $, $$, mount, text, update } from '../components/test-helpers.ts';
import { MemoryProgressStore } from './progress-store.ts';
import type { WorkshopWorker } from './workshop-controller.ts';
import type { TcpWorkshop } from './workshop-view.ts';

afterEach(() => document.body.replaceChildren());

const pack = builtinPack();
const records = (events: TraceEvent[]): TraceRecord[] => events.map((event, seq) => ({ seq, real: seq, event }));

function fakeApi(calls: string[]): WorkshopWorker {
  const ok = (): ApiResult<unknown> => ({ ok: true, value: undefined });
  return {
    mode: () => 'relay',
    startOffline: () => (calls.push('startOffline'), ok()),
    configure: (_s, h) => (calls.push(`configure @${h}`), ok()),
    setFaults: (d, _c, h) => (calls.push(`setFaults ${d} @${h}`), ok()),
    addRule: (d, _r, h) => (calls.push(`addRule ${d} @${h}`), ok()),
    setHold: (on, h) => (calls.push(`setHold ${on} @${h}`), ok()),
    publishStatus: () => ({ ok: true, value: undefined }),
  };
}

function link(role: 'teacher' | 'student', watched: boolean): LinkState {
  return {
    status: 'joined', url: 'ws://x/ws', room: 'lab', name: 'Ana', address: '10.0.1.2', hostname: 'ana', subnet: '10.0.1.0/24', mtu: 1500,
    hosts: [{ address: '10.0.1.3', hostname: 'bo', name: 'Bo', kind: 'client' }],
    role, teacherCode: role === 'teacher' ? 'ABCD-EFGH' : null, watchedByTeacher: watched, addressChanged: null,
  };
}

const settle = async (el: TcpWorkshop) => {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 0));
    await el.updateComplete;
  }
};

async function open(el: TcpWorkshop, id: string): Promise<Element> {
  const list = $(el, 'tcp-exercise-list');
  (list.shadowRoot!.querySelector(`li[data-id="${id}"] button`) as HTMLButtonElement).click();
  await settle(el);
  return $(el, 'tcp-exercise-panel');
}

describe('<tcp-workshop>', () => {
  it('lists the built-in pack, sets an exercise up through the api, and ticks from records', async () => {
    const calls: string[] = [];
    const el = await mount('tcp-workshop', { api: fakeApi(calls), store: new MemoryProgressStore() });
    expect($$($(el, 'tcp-exercise-list'), 'li')).toHaveLength(pack.exercises.length);
    const panel = await open(el, 'time-wait');
    (panel.shadowRoot!.querySelector('button.setup') as HTMLButtonElement).click();
    await settle(el);
    expect(calls).toEqual(['startOffline', 'configure @0', 'configure @1']);
    expect(text($(el, '.report'))).toContain('Done');

    await open(el, 'connection-refused');
    el.records = records(connectionRefused(pack.exercises.find((e) => e.id === 'connection-refused')!));
    await settle(el);
    const items = [...$(el, 'tcp-exercise-panel').shadowRoot!.querySelectorAll('.checks li')];
    expect(items.map((i) => i.hasAttribute('data-done'))).toEqual([true, true, true, true]);
  });

  it('shows the watched banner to students and the room to teachers', async () => {
    const statuses: HostStatusEntry[] = [
      { host: 'bo', address: '10.0.1.3', name: 'Bo', status: { connections: [{ local: '10.0.1.3:5', remote: '10.0.0.7:7', state: 'ESTABLISHED' }], progress: {}, exercise: null } },
    ];
    const el = await mount('tcp-workshop', { api: fakeApi([]), store: new MemoryProgressStore(), link: link('student', true) });
    await settle(el);
    expect(text($($(el, 'tcp-watched-banner'), 'p'))).toContain('Your teacher can see');
    expect($$(el, 'tcp-teacher-view')).toHaveLength(0);
    await update(el, { link: link('teacher', false), roomStatus: statuses });
    await settle(el);
    expect($$(el, 'tcp-watched-banner')).toHaveLength(0);
    expect(text($(el, '.teacher .code'))).toBe('ABCD-EFGH');
    expect(text($($(el, 'tcp-teacher-view'), 'tr[data-host="bo"] .conn .state'))).toBe('ESTABLISHED');
  });

  it('loads a pack from a file, and says in words why one is refused', async () => {
    const el = await mount('tcp-workshop', { api: fakeApi([]), store: new MemoryProgressStore() });
    const input = $(el, 'input.pack-file') as HTMLInputElement;
    const choose = async (name: string, body: string) => {
      Object.defineProperty(input, 'files', { value: [new File([body], name, { type: 'application/json' })], configurable: true });
      input.dispatchEvent(new Event('change'));
      await settle(el);
      await new Promise((r) => setTimeout(r, 20));
      await settle(el);
    };
    await choose('bad.json', JSON.stringify({ name: 'lab', version: 1, exercises: [] }));
    expect(text($(el, '.errors'))).toContain('bad.json: exercises: must be a non-empty list');
    await choose('broken.json', '{ nope');
    expect(text($(el, '.errors'))).toContain('broken.json: not valid JSON');
    // A file holds the raw JSON a teacher writes (the built-in handshake as a one-exercise pack).
    const one = { name: 'lab-2', version: '1', exercises: [(BUILTIN_PACK_JSON as { exercises: unknown[] }).exercises[0]] };
    await choose('good.json', JSON.stringify(one));
    expect($$(el, '.errors')).toHaveLength(0);
    expect(text($(el, '.pack-name'))).toBe('lab-2');
    expect($$($(el, 'tcp-exercise-list'), 'li')).toHaveLength(1);
  });
});
