// What a room needs from anyone in it, whether a WebSocket client or an in-process virtual host.
import type { HostInfo, ServerMessage } from './protocol/messages.ts';
import type { HostTraffic } from './traffic.ts';

/** 'ok', or why the frame could not be handed over. */
export type DeliverResult = 'ok' | 'queue-full' | 'receiver-gone';

export interface Member {
  /** Unsigned 32-bit IPv4 address. */
  readonly address: number;
  /** How others see this host; the same object every time. */
  readonly info: HostInfo;
  readonly traffic: HostTraffic;
  /** Hand over one frame without copying it. */
  deliver(frame: Uint8Array): DeliverResult;
  /** Room events (welcome, host-joined, host-left): always sent, they keep host lists right. */
  notify(message: ServerMessage): void;
  /** May this host be sent a notice (unreachable, dropped, error, pong) now? Notices are
   *  rate limited and skipped for a receiver whose queue is full; asking first means the
   *  message is only built when it will be sent. */
  mayNotice(nowMs: number): boolean;
  /** Bytes waiting to be delivered to this host. */
  queuedBytes(): number;
  /** The room ended or the host was removed: stop delivering. */
  detach(): void;
}
