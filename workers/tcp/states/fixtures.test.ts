// The per-state fixtures themselves: each leaves its connection in the state it is named for,
// having walked the RFC 9293 §3.3.2 diagram's own path there.
import { describe, expect, it } from 'vitest';
import { closeWait, closing, established, finWait1, finWait2, lastAck, synReceived, synSent, timeWait, type Tcb } from '../test-support/fixtures.ts';
import { states } from '../test-support/pair.ts';
import type { TcpState } from '../state.ts';

const FIXTURES: [TcpState, () => Tcb, TcpState[]][] = [
  ['SYN-SENT', synSent, ['CLOSED', 'SYN-SENT']],
  ['SYN-RECEIVED', synReceived, ['CLOSED', 'LISTEN', 'SYN-RECEIVED']],
  ['ESTABLISHED', established, ['CLOSED', 'SYN-SENT', 'ESTABLISHED']],
  ['FIN-WAIT-1', finWait1, ['CLOSED', 'SYN-SENT', 'ESTABLISHED', 'FIN-WAIT-1']],
  ['FIN-WAIT-2', finWait2, ['CLOSED', 'SYN-SENT', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2']],
  ['CLOSING', closing, ['CLOSED', 'SYN-SENT', 'ESTABLISHED', 'FIN-WAIT-1', 'CLOSING']],
  ['TIME-WAIT', timeWait, ['CLOSED', 'SYN-SENT', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT']],
  ['CLOSE-WAIT', closeWait, ['CLOSED', 'SYN-SENT', 'ESTABLISHED', 'CLOSE-WAIT']],
  ['LAST-ACK', lastAck, ['CLOSED', 'SYN-SENT', 'ESTABLISHED', 'CLOSE-WAIT', 'LAST-ACK']],
];

describe('per-state fixtures (RFC 9293 §3.3.2 Figure 5)', () => {
  for (const [state, make, path] of FIXTURES) {
    it(`${make.name}() is in ${state}, reached along the diagram, with nothing left unsent`, () => {
      const s = make();
      expect(s.state()).toBe(state);
      expect(states(s.side, s.conn)).toEqual(path);
      expect(s.side.host.takeOutput()).toEqual([]);
    });
  }
});
