import { describe, expect, it } from 'vitest';
import { filterRows, NO_FILTER, withOtherEnd } from './filter.ts';
import { listConnections } from './connections.ts';
import { packetRows } from './segments.ts';
import { A, B, handshake, lossAndRetransmit, refused } from './test-fixtures.ts';
import { Flag } from '../../workers/tcp/wire/types.ts';

describe('filterRows', () => {
  const rows = packetRows(lossAndRetransmit().events);
  const pick = (f: Partial<typeof NO_FILTER>) => Array.from(filterRows(rows, { ...NO_FILTER, ...f }) ?? [], (i) => rows[i]!.key);

  it('passes everything with no filter (null: no index array needed)', () => {
    expect(filterRows(rows, NO_FILTER)).toBeNull();
  });

  it('filters by connection, flags, direction, dropped and retransmission', () => {
    expect(pick({ conns: [`${B}#1`] }).every((k) => k.startsWith(B))).toBe(true);
    expect(pick({ flags: Flag.SYN })).toHaveLength(4);
    expect(pick({ flags: Flag.SYN | Flag.ACK })).toHaveLength(2);
    expect(pick({ dir: 'in', conns: [`${A}#1`] })).toEqual([`${A}/1`, `${A}/5`, `${A}/6`]);
    expect(pick({ droppedOnly: true })).toEqual([`${A}/3`]);
    expect(pick({ retransmissionsOnly: true })).toEqual([`${A}/4`, `${B}/3`]);
  });

  it('drops rows with no connection from a connection filter', () => {
    const r = packetRows(refused().events);
    const hits = filterRows(r, { ...NO_FILTER, conns: [`${A}#1`] })!;
    expect(Array.from(hits, (i) => r[i]!.host)).toEqual([A, A]);
  });
});

describe('withOtherEnd', () => {
  it('adds the reversed 4-tuple on another host', () => {
    const conns = listConnections(handshake().events);
    expect(withOtherEnd(conns, `${A}#1`)).toEqual([`${A}#1`, `${B}#1`]);
    expect(withOtherEnd(listConnections(refused().events), `${A}#1`)).toEqual([`${A}#1`]);
    expect(withOtherEnd(conns, 'x#1')).toEqual(['x#1']);
  });
});
