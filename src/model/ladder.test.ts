import { describe, expect, it } from 'vitest';
import { buildLadder, ladderRows, visibleArrows, visibleMarks } from './ladder.ts';
import type { Ladder, LadderArrow } from './ladder.ts';
import { segmentLabel } from './labels.ts';
import { indexFor } from './trace-index.ts';
import { A, A_ISN, B, B_ISN, fourWayClose, handshake, lossAndRetransmit, onlyHost, refused, simultaneousOpen } from './test-fixtures.ts';
import { Flag } from '../../workers/tcp/wire/types.ts';

const label = (a: LadderArrow) => segmentLabel(a.row).replace(/ len=0 win=65535$/, '');
const shape = (l: Ladder) => l.arrows.map((a) => [a.from, a.y0, a.y1, a.fate, label(a)]);

describe('ladder of a three-way handshake', () => {
  it('has three arrows, left to right and back, with relative numbers', () => {
    const l = ladderRows(handshake().events, `${A}#1`)!;
    expect(l.ends.map((e) => [e.host, e.addr, e.port, e.role])).toEqual([
      [A, A, 49152, 'active'],
      [B, B, 80, 'passive'],
    ]);
    expect(l.bothSides).toBe(true);
    expect(shape(l)).toEqual([
      [0, 0, 1, 'delivered', 'SYN seq=0'],
      [1, 3, 4, 'delivered', 'SYN,ACK seq=0 ack=1'],
      [0, 5, 6, 'delivered', 'ACK seq=1 ack=1'],
    ]);
    // Slot 2 is a spacer: B enters LISTEN and SYN-RECEIVED with no packet between.
    expect(l.slotTimes).toEqual([0, 5, null, 5, 10, 10, 15]);
  });

  it('is the same ladder from the passive end, client still on the left', () => {
    const l = ladderRows(handshake().events, `${B}#1`)!;
    expect(l.ends[0].host).toBe(A);
    expect(shape(l).map((s) => s[4])).toEqual(['SYN seq=0', 'SYN,ACK seq=0 ack=1', 'ACK seq=1 ack=1']);
  });

  it('writes each state change along its own line between the packets', () => {
    const l = ladderRows(handshake().events, `${A}#1`)!;
    expect(l.marks.map((m) => [m.end, m.y, m.to])).toEqual([
      [0, -0.5, 'SYN-SENT'],
      [1, 1.5, 'LISTEN'],
      [1, 2.5, 'SYN-RECEIVED'], // a second change on one side with no packet between gets its own gap
      [0, 4.5, 'ESTABLISHED'],
      [1, 6.5, 'ESTABLISHED'],
    ]);
    expect(l.slotCount).toBe(7);
    expect(l.slotTimes[2]).toBeNull();
  });

  it('selects an arrow by either end’s row key', () => {
    const l = ladderRows(handshake().events, `${A}#1`)!;
    expect(l.byKey.get(`${A}/0`)).toBe(0);
    expect(l.byKey.get(`${B}/0`)).toBe(0);
    expect(l.arrows[1]!.key).toBe(`${B}/1`);
    expect(l.arrows[1]!.keys).toEqual([`${B}/1`, `${A}/1`]);
  });
});

describe('ladder of other exchanges', () => {
  it('draws the four-way close', () => {
    const l = ladderRows(fourWayClose().events, `${A}#1`)!;
    expect(l.arrows.slice(3).map((a) => [a.from, label(a)])).toEqual([
      [0, 'FIN,ACK seq=1 ack=1'],
      [1, 'ACK seq=1 ack=2'],
      [1, 'FIN,ACK seq=1 ack=2'],
      [0, 'ACK seq=2 ack=2'],
    ]);
    expect(l.marks.filter((m) => m.end === 0).map((m) => m.to)).toEqual(['SYN-SENT', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT', 'CLOSED']);
    expect(l.marks.at(-1)).toMatchObject({ to: 'CLOSED', cause: 'Timeout=2MSL / delete TCB', end: 0 });
  });

  it('draws a simultaneous open as crossing arrows', () => {
    const l = ladderRows(simultaneousOpen().events, `${A}#1`)!;
    const syns = l.arrows.filter((a) => label(a).startsWith('SYN seq'));
    expect(syns).toHaveLength(2);
    expect(syns.map((a) => a.from).sort()).toEqual([0, 1]);
    // Both SYNs are in flight together: each is sent before the other arrives.
    const [x, y] = syns as [LadderArrow, LadderArrow];
    expect(x.y0 < y.y1 && y.y0 < x.y1).toBe(true);
    expect(l.arrows.map(label)).toContain('SYN,ACK seq=0 ack=1');
  });

  it('ends a lost segment with a cross and marks the retransmission and the duplicate', () => {
    const l = ladderRows(lossAndRetransmit().events, `${A}#1`)!;
    const data = l.arrows.filter((a) => a.row.len === 100);
    expect(data.map((a) => [a.fate, a.retransmission, a.drop?.reason ?? null, a.y1 - a.y0])).toEqual([
      ['lost', false, 'loss', 0.5],
      ['delivered', true, null, 1],
    ]);
    const acks = l.arrows.filter((a) => a.row.host === B && label(a).startsWith('ACK seq=1 ack=101'));
    expect(acks.map((a) => [a.duplicate, a.faults])).toEqual([
      [false, ['duplicate']],
      [true, ['duplicate']],
    ]);
    // Both arrivals hang off the one send.
    expect(acks[0]!.y0).toBe(acks[1]!.y0);
  });

  it('shows the RST from a closed port, discarded SYN crossed at the receiver', () => {
    const l = ladderRows(refused().events, `${A}#1`)!;
    expect(l.bothSides).toBe(true);
    expect(l.ends[1]).toMatchObject({ host: B, conn: null, port: 81 });
    expect(l.arrows.map((a) => [a.from, a.fate, a.drop?.reason ?? null, label(a)])).toEqual([
      [0, 'discarded', 'no-listener', 'SYN seq=0'],
      [1, 'delivered', null, 'RST,ACK seq=0 ack=1'],
    ]);
  });

  it('with one host’s trace, draws sends from the sender and arrivals as assumed flights', () => {
    const l = ladderRows(onlyHost(handshake().events, A), `${A}#1`)!;
    expect(l.bothSides).toBe(false);
    expect(l.ends[1]).toMatchObject({ host: null, addr: B, port: 80, conn: null });
    expect(shape(l)).toEqual([
      [0, 0, 0.7, 'unknown', 'SYN seq=0'],
      [1, 1 - 0.7, 1, 'delivered', 'SYN,ACK seq=0 ack=1'],
      [0, 2, 2.7, 'unknown', 'ACK seq=1 ack=1'],
    ]);
  });

  it('orders arrivals after their sends even when the hosts’ clocks disagree', () => {
    const events = handshake().events.map((e) => (e.host === B ? { ...e, t: e.t - 1000 } : e));
    const l = ladderRows(events, `${A}#1`)!;
    for (const a of l.arrows) expect(a.y1).toBeGreaterThan(a.y0);
    expect(l.arrows.map(label)).toEqual(['SYN seq=0', 'SYN,ACK seq=0 ack=1', 'ACK seq=1 ack=1']);
  });

  it('reads two hosts’ traces concatenated rather than interleaved', () => {
    const events = [...onlyHost(handshake().events, B), ...onlyHost(handshake().events, A)];
    const l = ladderRows(events, `${A}#1`)!;
    expect(shape(l)).toEqual(shape(ladderRows(handshake().events, `${A}#1`)!));
  });

  it('shows a reordering as crossing arrows, the late one marked out of order', () => {
    const b = handshake();
    const first = b.send(20, A, 1, B, { flags: Flag.ACK | Flag.PSH, seq: A_ISN + 1, ack: B_ISN + 1, payload: new Uint8Array(100) }, 'data');
    const second = b.send(21, A, 1, B, { flags: Flag.ACK | Flag.PSH, seq: A_ISN + 101, ack: B_ISN + 1, payload: new Uint8Array(100) }, 'data');
    b.recv(25, B, 1, second);
    b.recv(30, B, 1, first);
    const l = ladderRows(b.events, `${A}#1`)!;
    const [x, y] = l.arrows.filter((a) => a.row.len === 100) as [LadderArrow, LadderArrow];
    expect(x.y0 < y.y0 && x.y1 > y.y1).toBe(true);
    expect([x.outOfOrder, x.retransmission, y.outOfOrder]).toEqual([true, false, false]);
  });

  it('is null for an unknown connection', () => {
    expect(buildLadder(indexFor(handshake().events), 'x#9')).toBeNull();
  });
});

describe('visible windows', () => {
  it('finds the arrows and marks crossing a window of slots', () => {
    const l = ladderRows(fourWayClose().events, `${A}#1`)!;
    expect(visibleArrows(l, 0, 0).map(label)).toEqual(['SYN seq=0']);
    expect(visibleArrows(l, 0.5, 3).map(label)).toEqual(['SYN seq=0', 'SYN,ACK seq=0 ack=1']);
    expect(visibleArrows(l, 1000, 2000)).toEqual([]);
    expect(visibleMarks(l, -1, 2).map((m) => m.to)).toEqual(['SYN-SENT', 'LISTEN']);
  });

  it('keeps a long flight visible while the window is inside it', () => {
    const b = handshake();
    const l0 = ladderRows(b.events, `${A}#1`)!;
    // An arrow from slot 0 to 5 must be found for a window at 2…3 even though it starts above.
    const fake: Ladder = { ...l0, arrows: [{ ...l0.arrows[0]!, y0: 0, y1: 5 }, { ...l0.arrows[1]!, y0: 1, y1: 1.5 }], reach: [5, 5] };
    expect(visibleArrows(fake, 2, 3)).toHaveLength(1);
  });

  it('reuses the ladder while the trace is unchanged', () => {
    const events = handshake().events;
    expect(ladderRows(events, `${A}#1`)).toBe(ladderRows(events, `${A}#1`));
  });
});
