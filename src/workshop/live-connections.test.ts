// The teacher's view of one host through the model's one tracker: listeners first, live ends in
// order, closed ones forgotten, and what little is known of a connection met mid-way.
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../workers/tcp/trace.ts';
import { A, A_PORT, B, B_PORT, fourWayClose, handshake } from '../model/test-fixtures.ts';
import { LiveConnections } from './live-connections.ts';

const listen = (host: string, port: number, call: 'listen' | 'unlisten' = 'listen'): TraceEvent =>
  ({ type: 'user', t: 0, host, conn: null, call, result: 'ok', detail: `port ${port}` }) as TraceEvent;

describe('LiveConnections', () => {
  it('lists listeners first, then each live end with its 4-tuple and state', () => {
    const live = new LiveConnections();
    for (const e of [listen(B, B_PORT), ...handshake().events]) live.observe(e);
    expect(live.list(64)).toEqual([
      { local: `${B}:${B_PORT}`, remote: '*', state: 'LISTEN' },
      { local: `${A}:${A_PORT}`, remote: `${B}:${B_PORT}`, state: 'ESTABLISHED' },
      { local: `${B}:${B_PORT}`, remote: `${A}:${A_PORT}`, state: 'ESTABLISHED' },
    ]);
    expect(live.list(1)).toEqual([{ local: `${B}:${B_PORT}`, remote: `${A}:${A_PORT}`, state: 'ESTABLISHED' }]);
  });

  it('forgets a connection once CLOSED and a listener once unlistened', () => {
    const live = new LiveConnections();
    for (const e of [listen(B, B_PORT), ...fourWayClose().events, listen(B, B_PORT, 'unlisten')]) live.observe(e);
    expect(live.list(64)).toEqual([]);
  });

  it('shows a connection met mid-way (no conn event) by its host alone, and skips shell events', () => {
    const live = new LiveConnections();
    live.observe({ type: 'shell' });
    live.observe({ type: 'state', t: 1, host: A, conn: 7, from: 'ESTABLISHED', to: 'CLOSE-WAIT', cause: 'rcv FIN / snd ACK' });
    expect(live.list(64)).toEqual([{ local: `${A}:?`, remote: '?', state: 'CLOSE-WAIT' }]);
  });
});
