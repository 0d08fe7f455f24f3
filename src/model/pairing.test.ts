import { describe, expect, it } from 'vitest';
import { pairConnections, peerOf } from './pairing.ts';
import { indexFor } from './trace-index.ts';
import { A, B, handshake, onlyHost, refused, simultaneousOpen, TraceBuilder } from './test-fixtures.ts';

const keys = (events: Parameters<typeof pairConnections>[0]) => pairConnections(events).map((p) => [p.a.key, p.b?.key ?? null]);

describe('pairConnections', () => {
  it('pairs the two ends of a handshake, active opener first', () => {
    expect(keys(handshake().events)).toEqual([[`${A}#1`, `${B}#1`]]);
    const ix = indexFor(handshake().events);
    expect(peerOf(ix, `${A}#1`)).toBe(`${B}#1`);
    expect(peerOf(ix, `${B}#1`)).toBe(`${A}#1`);
  });

  it('puts the active opener first even when the passive end appears first', () => {
    const events = [...onlyHost(handshake().events, B), ...onlyHost(handshake().events, A)];
    expect(keys(events)).toEqual([[`${A}#1`, `${B}#1`]]);
  });

  it('pairs a simultaneous open', () => {
    expect(keys(simultaneousOpen().events)).toEqual([[`${A}#1`, `${B}#1`]]);
  });

  it('leaves a connection alone when the other end has none', () => {
    expect(keys(refused().events)).toEqual([[`${A}#1`, null]]);
    expect(keys(onlyHost(handshake().events, A))).toEqual([[`${A}#1`, null]]);
  });

  it('falls back to the reversed 4-tuple opened nearest in time when no packet joins them', () => {
    const b = new TraceBuilder();
    b.conn(0, A, 1, 49152, B, 80, 'active');
    b.conn(100_000, B, 1, 80, A, 49152, 'passive'); // an older incarnation, long before
    b.conn(3, B, 2, 80, A, 49152, 'passive');
    b.conn(4, B, 3, 80, A, 49153, 'passive'); // another client port: not a match
    expect(peerOf(indexFor(b.events), `${A}#1`)).toBe(`${B}#2`);
  });
});
