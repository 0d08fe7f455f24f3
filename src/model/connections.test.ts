import { describe, expect, it } from 'vitest';
import { connectionPath, listConnections, visitedStates } from './connections.ts';
import { A, A_PORT, B, B_PORT, fourWayClose, handshake, refused, simultaneousOpen } from './test-fixtures.ts';

describe('listConnections', () => {
  it('lists both ends of a handshake with 4-tuple, role and current state', () => {
    const conns = listConnections(handshake().events);
    expect(conns.map((c) => ({ key: c.key, local: `${c.localAddr}:${c.localPort}`, remote: `${c.remoteAddr}:${c.remotePort}`, role: c.role, state: c.state }))).toEqual([
      { key: `${A}#1`, local: `${A}:${A_PORT}`, remote: `${B}:${B_PORT}`, role: 'active', state: 'ESTABLISHED' },
      { key: `${B}#1`, local: `${B}:${B_PORT}`, remote: `${A}:${A_PORT}`, role: 'passive', state: 'ESTABLISHED' },
    ]);
  });

  it('shows both ends CLOSED after the four-way close and TIME-WAIT', () => {
    expect(listConnections(fourWayClose().events).map((c) => c.state)).toEqual(['CLOSED', 'CLOSED']);
  });

  it('lists a connection that was refused', () => {
    const conns = listConnections(refused().events);
    expect(conns).toHaveLength(1);
    expect(conns[0]).toMatchObject({ key: `${A}#1`, remotePort: 81, state: 'CLOSED', role: 'active' });
  });

  it('creates a connection from state events alone (a trace joined mid-way)', () => {
    const conns = listConnections([{ type: 'state', t: 1, host: A, conn: 7, from: 'ESTABLISHED', to: 'CLOSE-WAIT', cause: 'rcv FIN / snd ACK' }]);
    expect(conns).toMatchObject([{ key: `${A}#7`, role: null, state: 'CLOSE-WAIT', remoteAddr: '?' }]);
  });
});

describe('connectionPath', () => {
  it('gives the active opener’s handshake', () => {
    const path = connectionPath(handshake().events, `${A}#1`);
    expect(path.map((p) => [p.step, p.t, p.from, p.to, p.cause])).toEqual([
      [2, 0, 'CLOSED', 'SYN-SENT', 'active OPEN / create TCB, snd SYN'],
      [3, 10, 'SYN-SENT', 'ESTABLISHED', 'rcv SYN,ACK / snd ACK'],
    ]);
    expect(visitedStates(path)).toEqual(['CLOSED', 'SYN-SENT', 'ESTABLISHED']);
  });

  it('gives the passive side’s path through LISTEN and SYN-RECEIVED', () => {
    expect(visitedStates(connectionPath(handshake().events, `${B}#1`))).toEqual(['CLOSED', 'LISTEN', 'SYN-RECEIVED', 'ESTABLISHED']);
  });

  it('follows the four-way close on both sides', () => {
    const events = fourWayClose().events;
    expect(visitedStates(connectionPath(events, `${A}#1`))).toEqual([
      'CLOSED', 'SYN-SENT', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT', 'CLOSED',
    ]);
    expect(visitedStates(connectionPath(events, `${B}#1`))).toEqual([
      'CLOSED', 'LISTEN', 'SYN-RECEIVED', 'ESTABLISHED', 'CLOSE-WAIT', 'LAST-ACK', 'CLOSED',
    ]);
    const last = connectionPath(events, `${A}#1`).at(-1)!;
    expect(last).toMatchObject({ t: 10_040, cause: 'Timeout=2MSL / delete TCB', step: 7 });
  });

  it('goes SYN-SENT → SYN-RECEIVED on both sides in a simultaneous open', () => {
    const events = simultaneousOpen().events;
    for (const host of [A, B]) {
      expect(visitedStates(connectionPath(events, `${host}#1`))).toEqual(['CLOSED', 'SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED']);
    }
  });

  it('is empty for an unknown connection', () => {
    expect(connectionPath(handshake().events, 'nowhere#1')).toEqual([]);
  });
});
