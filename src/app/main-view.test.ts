// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import './main-view.ts';
import { TraceStore } from './trace-store.ts';
import { $, $$, mount, text, update } from './test-helpers.ts';
import { handshake } from '../model/test-fixtures.ts';

afterEach(() => document.body.replaceChildren());

function store(): TraceStore {
  const s = new TraceStore();
  s.add(handshake().events.map((event, seq) => ({ seq, real: 1_700_000_000_000 + seq, event })));
  return s;
}

describe('<pg-main-view> while the page is behind the worker', () => {
  it('says how many trace events are still to come, over the log, once there are a thousand', async () => {
    const s = store();
    const el = await mount('pg-main-view', { store: s, revision: s.revision, behind: 999 });
    expect($$(el, '.behind')).toHaveLength(0);
    await update(el, { behind: 26_082 });
    const note = $(el, '.pane.log .behind');
    expect(note.getAttribute('role')).toBe('status');
    expect(text(note)).toContain('26,082 more trace events to come');
    await update(el, { behind: 0 });
    expect($$(el, '.behind')).toHaveLength(0);
  });
});
