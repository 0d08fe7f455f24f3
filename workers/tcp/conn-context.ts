// What a connection and its host exchange: the host's services (sending, tracing, the accept
// queue, socket events, rate limits), the connection's identity, and the host's own bookkeeping.
import type { TcpSegment } from './wire/types.ts';
import type { SendReason, TraceEvent } from './trace.ts';
import type { StackSettings } from './settings.ts';
import type { InvalidAckClock } from './rate-limits.ts';

/** What a connection needs from its host; `C` is the connection (generic, so this file imports none). */
export interface ConnContext<C> {
  readonly settings: StackSettings;
  readonly tracing: boolean;
  readonly hostName: string;
  send(conn: C, seg: TcpSegment, reason: SendReason): void;
  trace(event: TraceEvent): void;
  /** The connection reached CLOSED: take it out of the demultiplexing table. */
  closed(conn: C): void;
  /** A passive connection reached ESTABLISHED: put it on its listener's accept queue. */
  established(conn: C): void;
  notify(conn: C, kind: 'readable' | 'writable' | 'closed' | 'error'): void;
  /** May this connection answer an unacceptable segment now (RFC 5961 §7)? Null if yes, else why not. */
  mayAnswer(conn: C, kind: 'challenge-ack' | 'invalid-ack', now: number): string | null;
}

export interface ConnIdentity {
  id: number;
  localAddr: number;
  localPort: number;
  remoteAddr: number;
  remotePort: number;
  role: 'active' | 'passive';
  iss: number;
}

/** What the host keeps per connection, on it so that no map lookup is needed per event. */
export interface HostMarks extends InvalidAckClock {
  /** Socket events queued by the host and not yet taken (bits: readable, writable, closed). */
  queuedEvents: number;
}

/** The per-connection switches a host may change (setsockopt's TCP_NODELAY, TCP_QUICKACK, SO_KEEPALIVE). */
export type ConnOption = 'nagle' | 'delayedAck' | 'keepAlive';
