// Why the relay drops a message: the counters of /stats and the `dropped` notice a sender gets
// (PROTOCOL.md §4) use these names.

/** Why the relay dropped a message; PROTOCOL.md explains each one. */
export const DROP_REASONS = [
  'malformed', // IPv4 header check failed: version, IHL, lengths or header checksum
  'bad-length', // IPv4 total length differs from the WebSocket message length
  'not-tcp', // IPv4 protocol is not 6
  'spoofed', // source address is not the sender's own
  'over-mtu', // longer than the MTU
  'too-big', // above maxPayload: the WebSocket is closed with 1009
  'rate-limited', // over the sender's token bucket
  'unreachable', // no host with the destination address in the room
  'queue-full', // the receiver already has maxQueuedBytes waiting
  'receiver-gone', // the receiver is closing
  'bad-message', // a text message that is not a valid JSON message
] as const;
export type RelayDropReason = (typeof DROP_REASONS)[number];
