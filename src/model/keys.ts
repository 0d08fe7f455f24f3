// The identities the model joins on: a connection (one host's TCB), an endpoint, a 4-tuple and
// a packet. Keys are strings so they can sit in Maps, travel in DOM events and survive a reload.

/** One host's connection: conn ids are per host, so the host's address is part of the key. */
export type ConnKey = string;

export function connKey(host: string, conn: number): ConnKey {
  return `${host}#${conn}`;
}

export function endpointText(addr: string, port: number): string {
  return `${addr}:${port}`;
}

/** A 4-tuple as one host sees it: local side first. */
export function tupleKey(host: string, localAddr: string, localPort: number, remoteAddr: string, remotePort: number): string {
  return `${host}|${localAddr}:${localPort}|${remoteAddr}:${remotePort}`;
}

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
  let end = n;
  if (n >= 20) {
    const ihl = (bytes[0]! & 0x0f) * 4;
    const tcpOffset = n >= ihl + 13 ? (bytes[ihl + 12]! >>> 4) * 4 : 0;
    if (ihl >= 20 && tcpOffset >= 20) end = Math.min(n, ihl + tcpOffset);
  }
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
