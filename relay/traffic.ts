// Traffic counters, kept three times over (per host, per room, for the whole relay) so a
// teacher can see both "the relay is fine" and "Ana's tab is sending garbage".

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

export type DropCounts = Record<RelayDropReason, number>;

function zeroDrops(): DropCounts {
  const d = {} as DropCounts;
  for (const r of DROP_REASONS) d[r] = 0;
  return d;
}

export interface TrafficSnapshot {
  /** Messages (frames and text) received from senders, and their bytes. */
  framesIn: number;
  bytesIn: number;
  /** Frames handed on to their destination. */
  framesForwarded: number;
  bytesForwarded: number;
  droppedTotal: number;
  dropped: DropCounts;
}

/** Counters as plain numeric fields: the hot path increments them without allocating. */
export class Traffic {
  framesIn = 0;
  bytesIn = 0;
  framesForwarded = 0;
  bytesForwarded = 0;
  droppedTotal = 0;
  readonly dropped: DropCounts = zeroDrops();

  snapshot(): TrafficSnapshot {
    return {
      framesIn: this.framesIn,
      bytesIn: this.bytesIn,
      framesForwarded: this.framesForwarded,
      bytesForwarded: this.bytesForwarded,
      droppedTotal: this.droppedTotal,
      dropped: { ...this.dropped },
    };
  }
}

export interface HostTrafficSnapshot extends TrafficSnapshot {
  /** Frames delivered to this host, and their bytes. */
  framesDelivered: number;
  bytesDelivered: number;
  /** Frames for this host dropped because its queue was full (also counted as the
   *  sender's 'queue-full'). A big number here means a slow or stalled tab. */
  queueDropsToHost: number;
}

export class HostTraffic extends Traffic {
  framesDelivered = 0;
  bytesDelivered = 0;
  queueDropsToHost = 0;

  override snapshot(): HostTrafficSnapshot {
    return {
      ...super.snapshot(),
      framesDelivered: this.framesDelivered,
      bytesDelivered: this.bytesDelivered,
      queueDropsToHost: this.queueDropsToHost,
    };
  }
}
