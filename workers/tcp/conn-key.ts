// The one key of a connection end in a trace, shared by the worker (its newest-TCB table) and the
// page's model (ladder, log, exercises, teacher's view). A string, so it can sit in Maps, travel
// in DOM events and survive a reload.

/**
 * One connection end: one host's side of a connection (RFC 9293 §3.3.1: the TCB a host keeps for
 * a pair of sockets). Built only by `connKey`.
 */
export type ConnKey = string;

/** A 4-tuple as one host sees it: its own (local) side first. */
export interface Tuple {
  readonly localAddr: string;
  readonly localPort: number;
  readonly remoteAddr: string;
  readonly remotePort: number;
}

/**
 * The key of a connection end, "host#id". Conn ids are per host, so the host is part of it.
 * `id` is the host's conn id once it has a TCB for the connection ("10.0.0.1#3"), or — for
 * packets no TCB owns (a SYN at a listener before the connection it creates is announced, a RST
 * from a closed port) — the 4-tuple they travel on as that host sees it
 * ("10.0.0.1#10.0.0.1:80-10.0.0.7:49152"), which is how a host finds the end such a packet
 * belongs to.
 */
export function connKey(host: string, id: number | Tuple): ConnKey {
  return typeof id === 'number'
    ? `${host}#${id}`
    : `${host}#${id.localAddr}:${id.localPort}-${id.remoteAddr}:${id.remotePort}`;
}
