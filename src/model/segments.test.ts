import { describe, expect, it } from 'vitest';
import { packetRows, seqSpace } from './segments.ts';
import type { SegmentRow } from './segments.ts';
import { segmentLabel, rowNotes, shownAck, shownSeq, flagsText } from './labels.ts';
import { A, A_ISN, B, B_ISN, handshake, lossAndRetransmit, refused, simultaneousOpen, TraceBuilder } from './test-fixtures.ts';
import { Flag } from '../../workers/tcp/wire/types.ts';

const brief = (r: SegmentRow) => `${r.host} ${r.dir} ${segmentLabel(r)}`;

describe('packetRows', () => {
  it('has one row per segment observation, each with its connection', () => {
    const rows = packetRows(handshake().events);
    expect(rows.map((r) => [r.key, r.host, r.dir, flagsText(r), r.conn])).toEqual([
      [`${A}/0`, A, 'out', 'SYN', `${A}#1`],
      [`${B}/0`, B, 'in', 'SYN', `${B}#1`], // adopted by the connection the SYN created
      [`${B}/1`, B, 'out', 'SYN,ACK', `${B}#1`],
      [`${A}/1`, A, 'in', 'SYN,ACK', `${A}#1`],
      [`${A}/2`, A, 'out', 'ACK', `${A}#1`],
      [`${B}/2`, B, 'in', 'ACK', `${B}#1`],
    ]);
  });

  it('numbers seq and ack relative to each side’s ISN, and absolute on request', () => {
    const rows = packetRows(handshake().events).filter((r) => r.dir === 'out');
    expect(rows.map((r) => segmentLabel(r))).toEqual([
      'SYN seq=0 len=0 win=65535',
      'SYN,ACK seq=0 ack=1 len=0 win=65535',
      'ACK seq=1 ack=1 len=0 win=65535',
    ]);
    expect(rows.map((r) => [shownSeq(r, true), shownAck(r, true)])).toEqual([
      [A_ISN, 0],
      [B_ISN, A_ISN + 1],
      [A_ISN + 1, B_ISN + 1],
    ]);
  });

  it('joins each packet’s send and arrival across the two hosts', () => {
    const rows = packetRows(handshake().events);
    for (const r of rows) {
      expect(r.peer, r.key).not.toBeNull();
      expect(r.peer!.peer).toBe(r);
      expect(r.peer!.host).not.toBe(r.host);
      expect(r.peer!.dir).not.toBe(r.dir);
    }
  });

  it('marks a lost segment, its retransmission and a network duplicate', () => {
    const rows = packetRows(lossAndRetransmit().events);
    const data = rows.filter((r) => r.len === 100);
    expect(data.map((r) => [r.host, r.dir, r.retransmission, r.drop?.by ?? null, r.drop?.reason ?? null])).toEqual([
      [A, 'out', false, 'network', 'loss'],
      [A, 'out', true, null, null],
      [B, 'in', true, null, null],
    ]);
    expect(data[0]!.peer).toBeNull(); // it never arrived
    expect(data[1]!.peer).toBe(data[2]);
    const acks = rows.filter((r) => r.host === A && r.dir === 'in' && shownAck(r, false) === 101);
    expect(acks.map((r) => r.duplicate)).toEqual([false, true]);
    expect(rowNotes(data[0]!)).toEqual(['lost']);
    expect(rowNotes(acks[1]!)).toContain('duplicate');
  });

  it('marks the segment a stack dropped, from the drop right after it', () => {
    const rows = packetRows(refused().events);
    const synIn = rows.find((r) => r.host === B && r.dir === 'in')!;
    expect(synIn.drop).toEqual({ by: 'stack', reason: 'no-listener', detail: 'no one listens on port 81: RST sent' });
    expect(synIn.conn).toBeNull();
    const rst = rows.find((r) => r.host === B && r.dir === 'out')!;
    expect(flagsText(rst)).toBe('RST,ACK');
    expect(rst.peer?.host).toBe(A);
  });

  it('matches a connection-level drop that carries no bytes by its segment', () => {
    const b = handshake();
    const dup = b.send(20, A, 1, B, { flags: Flag.ACK, seq: A_ISN + 1, ack: B_ISN + 1 }, 'ack');
    b.recv(25, B, 1, dup);
    b.drop(25, B, 1, dup, 'old-duplicate', 'already acknowledged', false);
    const rows = packetRows(b.events);
    expect(rows).toHaveLength(8);
    expect(rows.at(-1)!.drop).toMatchObject({ by: 'stack', reason: 'old-duplicate' });
  });

  it('makes a row of a drop with no segment before it (an undecodable packet)', () => {
    const b = new TraceBuilder();
    b.push({ type: 'drop', t: 3, host: B, conn: null, bytes: new Uint8Array([0x45, 0, 0]), seg: null, reason: 'malformed', detail: 'truncated IPv4 header: 3 bytes, need 20' });
    const [row] = packetRows(b.events);
    expect(row).toMatchObject({ source: 'drop', dir: 'in', host: B, src: '?', seg: null, drop: { reason: 'malformed' } });
    expect(segmentLabel(row!)).toBe('undecodable packet');
  });

  it('makes a row of a packet lost on the way in, joined to its send', () => {
    const b = handshake();
    const data = b.send(20, A, 1, B, { flags: Flag.ACK | Flag.PSH, seq: A_ISN + 1, ack: B_ISN + 1, payload: new Uint8Array(10) }, 'data');
    b.fault(25, B, 'in', 'loss', data, 'lost (p=1)');
    const rows = packetRows(b.events);
    const lost = rows.at(-1)!;
    expect(lost).toMatchObject({ source: 'fault', dir: 'in', host: B, drop: { by: 'network', reason: 'loss' }, len: 10 });
    expect(lost.peer).toBe(rows.at(-2));
  });

  it('does not take the SYN,ACKs of a simultaneous open for retransmissions', () => {
    const rows = packetRows(simultaneousOpen().events);
    expect(rows.map((r) => rowNotes(r))).toEqual(rows.map(() => []));
    // Without the sender's reasons, only the same SYN sent again counts.
    const noReasons = packetRows(simultaneousOpen().events.map((e) => (e.type === 'segment' ? { ...e, reason: undefined } : e)));
    expect(noReasons.filter((r) => r.retransmission)).toEqual([]);
  });

  it('flags a SYN sent again by its timer, from the reason or from the repeat', () => {
    const b = new TraceBuilder();
    b.conn(0, A, 1, 49152, B, 80, 'active');
    b.send(0, A, 1, B, { flags: Flag.SYN, seq: 7 }, 'syn');
    b.send(1000, A, 1, B, { flags: Flag.SYN, seq: 7 }, 'retransmit');
    b.send(3000, A, 1, B, { flags: Flag.SYN, seq: 7 }, undefined as never);
    expect(packetRows(b.events).map((r) => r.retransmission)).toEqual([false, true, true]);
  });

  it('counts SYN and FIN in the sequence space', () => {
    expect(seqSpace({ flags: Flag.SYN, len: 0 })).toBe(1);
    expect(seqSpace({ flags: Flag.FIN | Flag.ACK, len: 10 })).toBe(11);
    expect(seqSpace({ flags: Flag.ACK, len: 0 })).toBe(0);
  });

  it('numbers relative to the ISN across the 2^32 wrap', () => {
    const b = new TraceBuilder();
    b.conn(0, A, 1, 49152, B, 80, 'active');
    b.send(0, A, 1, B, { flags: Flag.SYN, seq: 0xffff_fff0 }, 'syn');
    b.send(1, A, 1, B, { flags: Flag.ACK, seq: 0xffff_fff1 + 20, ack: 7 }, 'data');
    const rows = packetRows(b.events);
    expect(rows.map((r) => shownSeq(r, false))).toEqual([0, 21]);
    expect(rows[1]!.seq).toBe(5);
  });

  it('applies the window scale only after both SYNs offered it, never to a SYN', () => {
    const b = new TraceBuilder();
    b.conn(0, A, 1, 49152, B, 80, 'active');
    b.send(0, A, 1, B, { flags: Flag.SYN, seq: 1, window: 1000, options: { windowScale: 7 } }, 'syn');
    const sa = b.send(0, B, 1, A, { flags: Flag.SYN | Flag.ACK, seq: 9, ack: 2, window: 2000, options: { windowScale: 2 } }, 'syn-ack');
    b.recv(1, A, 1, sa);
    b.send(1, A, 1, B, { flags: Flag.ACK, seq: 2, ack: 10, window: 1000 }, 'ack');
    const rows = packetRows(b.events).filter((r) => r.host === A);
    expect(rows.map((r) => segmentLabel(r).split(' ').at(-1))).toEqual(['win=1000', 'win=2000', 'win=128000']);
  });

  it('flags duplicate ACKs while data is outstanding', () => {
    const b = handshake();
    for (const [i, seq] of [A_ISN + 1, A_ISN + 101, A_ISN + 201].entries()) {
      b.send(20 + i, A, 1, B, { flags: Flag.ACK | Flag.PSH, seq, ack: B_ISN + 1, payload: new Uint8Array(100) }, 'data');
    }
    for (let i = 0; i < 3; i++) {
      const ack = b.send(30 + i, B, 1, A, { flags: Flag.ACK, seq: B_ISN + 1, ack: A_ISN + 101 }, 'ack');
      b.recv(35 + i, A, 1, ack);
    }
    const acks = packetRows(b.events).filter((r) => r.host === A && r.dir === 'in' && r.t >= 35);
    expect(acks.map((r) => r.dupAck)).toEqual([false, true, true]);
  });
});
