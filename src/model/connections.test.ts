import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../workers/tcp/trace.ts';
import { connectionPath, ConnectionTracker, listConnections, visitedStates } from './connections.ts';
import type { ConnEnd } from './connections.ts';
import { connKey } from './keys.ts';
import { packetRows } from './segments.ts';
import { A, A_PORT, B, B_PORT, fourWayClose, handshake, lossAndRetransmit, refused, simultaneousOpen } from './test-fixtures.ts';

/** Every event's end, as a checklist sees them: the tracker fed in order, asked after each event. */
function endsOf(events: readonly TraceEvent[], tracker = new ConnectionTracker()): (ConnEnd | null)[] {
  return events.map((e, i) => {
    tracker.observe(e, i);
    return tracker.endOf(e);
  });
}

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

describe('connKey: the one key of a connection end', () => {
  it('names a TCB by host and conn id, and packets no TCB owns by host and 4-tuple', () => {
    expect(connKey(A, 3)).toBe(`${A}#3`);
    expect(connKey(B, { localAddr: B, localPort: 80, remoteAddr: A, remotePort: A_PORT })).toBe(`${B}#${B}:80-${A}:${A_PORT}`);
  });
});

describe('ConnectionTracker.endOf (RFC 9293 §3.3.1: a connection is a pair of sockets)', () => {
  it('puts every event of a handshake on its host’s end, the SYN at the listener included', () => {
    const events = handshake().events;
    const ends = endsOf(events);
    const a = ends[0]!;
    expect(a).toMatchObject({ key: connKey(A, { localAddr: A, localPort: A_PORT, remoteAddr: B, remotePort: B_PORT }), host: A, role: 'active', conn: 1 });
    const synAtListener = events.findIndex((e) => e.type === 'segment' && e.host === B);
    const b = ends[synAtListener]!;
    expect(b.key).toBe(a.peerKey);
    expect(b.peerKey).toBe(a.key);
    expect(b.pairKey).toBe(a.pairKey);
    // The SYN reached a listener before B announced the TCB: the end is guessed passive, then
    // the announced TCB takes the same end.
    expect(b.role).toBe('passive');
    events.forEach((e, i) => expect(ends[i]).toBe(e.host === A ? a : b));
    expect(b.conn).toBe(1);
  });

  it('gives a RST from a closed port the end of its tuple, which no TCB holds', () => {
    const events = refused().events;
    const ends = endsOf(events);
    const rst = events.findIndex((e) => e.type === 'segment' && e.host === B && e.dir === 'out');
    expect(ends[rst]).toMatchObject({ host: B, localPort: 81, remotePort: A_PORT, conn: null, role: 'passive' });
    const drop = events.findIndex((e) => e.type === 'drop');
    expect(ends[drop]).toBe(ends[rst]);
  });

  it('places faults by the packet’s tuple, and learns a TCB’s tuple from a segment when the trace starts mid-connection', () => {
    const events = lossAndRetransmit().events;
    const ends = endsOf(events);
    const loss = events.findIndex((e) => e.type === 'fault');
    expect(ends[loss]).toBe(ends[0]);
    const midway = new ConnectionTracker();
    const late = events.filter((e) => e.t >= 20);
    midway.observe({ type: 'state', t: 19, host: A, conn: 1, from: 'SYN-SENT', to: 'ESTABLISHED', cause: 'rcv SYN,ACK / snd ACK' }, 0);
    expect(midway.endOf({ type: 'timer', t: 19, host: A, conn: 1, timer: 'retransmit', action: 'set', deadline: 1000 } as TraceEvent)).toBeNull();
    const first = endsOf(late, midway)[0]!;
    expect(first).toMatchObject({ host: A, localPort: A_PORT, remoteAddr: B, conn: 1 });
    expect(midway.get(connKey(A, 1))).toMatchObject({ tupleKnown: true, remotePort: B_PORT, end: first });
  });

  it('agrees with the log: the rows of a connection are the rows of its end', () => {
    const events = handshake().events;
    const tracker = new ConnectionTracker();
    const ends = endsOf(events, tracker);
    const rows = packetRows(events);
    for (const row of rows) {
      const end = ends[row.eventIndex]!;
      expect(row.conn).toBe(tracker.latest(row.host, end)!.key);
    }
  });
});

describe('ConnectionTracker with forgetClosed (the teacher’s view)', () => {
  it('keeps only live connections, so a long session stays bounded', () => {
    const tracker = new ConnectionTracker({ forgetClosed: true });
    const events = fourWayClose().events;
    events.forEach((e, i) => tracker.observe(e, i));
    expect(tracker.all()).toEqual([]);
    expect(tracker.get(connKey(A, 1))).toBeUndefined();
    expect(tracker.latest(A, { localAddr: A, localPort: A_PORT, remoteAddr: B, remotePort: B_PORT })).toBeUndefined();
    const open = new ConnectionTracker({ forgetClosed: true });
    handshake().events.forEach((e, i) => open.observe(e, i));
    expect(open.all().map((c) => [c.key, c.state])).toEqual([[`${A}#1`, 'ESTABLISHED'], [`${B}#1`, 'ESTABLISHED']]);
  });
});
