// The identities the model joins on: a connection end (the trace's one key, connKey) and a
// packet. Keys are strings so they can sit in Maps, travel in DOM events and survive a reload.
import { headersEnd } from '../../workers/tcp/wire/peek.ts';

export { connKey } from '../../workers/tcp/conn-key.ts';
export type { ConnKey, Tuple } from '../../workers/tcp/conn-key.ts';

/**
 * An identity for the bytes of one IPv4 packet, the same on the host that sent it and the host
 * that received it, so the two traces can be joined. Only the headers are hashed: the TCP
 * checksum in them already covers the payload, and hashing 1460 bytes of data per packet would
 * cost 100,000-event traces real time. Two 32-bit FNV-1a-style hashes are folded into one
 * 52-bit integer (a number, so Maps keyed by it stay fast); accidental collisions among a
 * trace's packets are negligible. 0 means "no identity": drops the core records without bytes.
 */
export function packetId(bytes: Uint8Array): number {
  const n = bytes.length;
  if (n === 0) return 0;
  const end = headersEnd(bytes);
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ n;
  for (let i = 0; i < end; i++) {
    const b = bytes[i]!;
    h1 = Math.imul(h1 ^ b, 0x01000193);
    h2 = Math.imul(h2 ^ (b + i), 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return (h1 >>> 0) * 0x100000 + (h2 >>> 12) + 1;
}
