// Traffic counters, kept three times over (per host, per room, for the whole relay) so a
// teacher can see both "the relay is fine" and "Ana's tab is sending garbage".
import { DROP_REASONS, type RelayDropReason } from './protocol/drop-reasons.ts';

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
