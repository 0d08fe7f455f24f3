// What the user looks at: selecting a segment anywhere selects it everywhere and shows its
// connection unless that (or its other end) is already shown; the newest connection is shown
// until one is chosen.
import { describe, expect, it } from 'vitest';
import type { ReactiveControllerHost } from 'lit';
import { ViewSelection } from './view-selection.ts';
import { TraceStore } from './trace-store.ts';
import { A, B, handshake } from '../model/test-fixtures.ts';
import type { TraceRecord } from '../../workers/api.ts';

function host() {
  let updates = 0;
  const h = { addController: () => {}, removeController: () => {}, requestUpdate: () => void updates++, updateComplete: Promise.resolve(true) } as ReactiveControllerHost;
  return { h, updates: () => updates };
}

function trace(): TraceStore {
  const records: TraceRecord[] = handshake().events.map((event, seq) => ({ seq, real: 0, event }));
  return TraceStore.from(records);
}

describe('ViewSelection', () => {
  it('shows the newest connection until one is chosen, and the chosen one while it exists', () => {
    const { h } = host();
    const v = new ViewSelection(h);
    const t = trace();
    const newest = t.index.connections().at(-1)!.key;
    expect(v.shownConn(t)).toBe(newest);
    v.set({ conn: `${A}#1` });
    expect(v.shownConn(t)).toBe(`${A}#1`);
    v.set({ conn: '10.9.9.9#4' });
    expect(v.shownConn(t)).toBe(newest);
  });

  it('selects a segment everywhere, and keeps the connection shown when the segment is of either end of it', () => {
    const { h, updates } = host();
    const v = new ViewSelection(h);
    const t = trace();
    v.set({ conn: `${A}#1` });
    const n = updates();
    v.selectSegment(`${B}/1`, t); // B's end of the connection A shows
    expect(v.selected).toBe(`${B}/1`);
    expect(v.conn).toBe(`${A}#1`);
    expect(updates()).toBeGreaterThan(n);
    // A chosen connection that is gone shows the newest (B's end): A's segment is of it too.
    v.set({ conn: '10.9.9.9#4' });
    v.selectSegment(`${A}/0`, t);
    expect(v.conn).toBe('10.9.9.9#4');
    v.selectSegment('nothing/9', null);
    expect(v.selected).toBe('nothing/9');
  });

  it('forgets the selection for a new session, but not the absolute-numbers choice', () => {
    const { h } = host();
    const v = new ViewSelection(h);
    v.set({ conn: `${A}#1`, selected: `${A}/0`, activeHost: 1, pick: { address: B, port: 80 }, absolute: true });
    v.reset();
    expect(v).toMatchObject({ conn: null, selected: null, activeHost: 0, pick: null, absolute: true });
  });
});
