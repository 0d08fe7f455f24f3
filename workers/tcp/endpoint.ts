// What a shell (simulated network, browser worker, relay bot, terminal peer) drives.
// The core performs no I/O: packets come in through input(), time through `now`,
// and what it wants sent waits in an outbox that the shell empties with takeOutput().

export interface Endpoint {
  /** The endpoint's own IPv4 address (unsigned 32-bit). */
  readonly address: number;
  /** One IPv4 packet arrived from the wire at stack time `now` (ms). Never throws. */
  input(packet: Uint8Array, now: number): void;
  /** Fire every timer whose deadline is ≤ now. */
  poll(now: number): void;
  /** The earliest pending timer deadline (absolute stack ms), or null when nothing is pending. */
  nextDeadline(): number | null;
  /** Packets to transmit, oldest first; the outbox is empty afterwards. */
  takeOutput(): Uint8Array[];
}
