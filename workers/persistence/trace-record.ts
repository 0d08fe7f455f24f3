// One entry of the worker's record, and the link and clock states some entries carry: what the
// worker streams to the page (WorkerUpdate.records), what a saved session stores (record-pack.ts,
// session-store.ts) and what an exported file holds. TYPES ONLY. Here, below both the worker and
// the page, so the store that the worker writes and the page reads needs nothing above it.
import type { HostInfo, Role } from '../../relay/protocol/messages.ts';
import type { TraceEvent } from '../tcp/trace.ts';

/** What the worker itself (not the TCP core) has to say, interleaved with the core's events. */
export type ShellEventKind =
  /** The relay had no host with the destination address: our frame went nowhere. */
  | 'unreachable'
  /** The relay refused one of our frames (spoofed source, over the MTU, …): `detail` says why. */
  | 'relay-dropped'
  /** The relay did not understand a text message of ours. */
  | 'relay-error'
  /** The relay link changed state; `link` holds the new state. */
  | 'link'
  /** A segment could not be sent: the link was down or its send queue full. */
  | 'not-sent'
  /** The time factor changed, the clock was paused or resumed, or a step was taken. */
  | 'clock'
  /** A segment arrived while paused and the waiting queue was full (10,000): dropped. */
  | 'paused-overflow';

export interface ShellEvent {
  type: 'shell';
  /** Stack time, ms. */
  t: number;
  /** This worker's host address ('' before the relay gave one). */
  host: string;
  kind: ShellEventKind;
  /** A sentence for a person. */
  detail: string;
  /** For 'unreachable': the destination nobody has. */
  dst?: string;
  /** For 'not-sent' and 'paused-overflow': the packet. */
  bytes?: Uint8Array;
  /** For 'link': the new state. */
  link?: LinkState;
  /** For 'clock': the new state. */
  clock?: ClockState;
}

/**
 * One entry of the worker's trace: the core's event (or a shell event) with its place in the
 * record and the wall-clock time it happened. The stack time is `event.t`.
 * Tell the two apart with `record.event.type === 'shell'`.
 */
export interface TraceRecord {
  /** Position in the worker's record, from 0, never reused. */
  seq: number;
  /** Wall-clock ms (epoch, sub-ms precision). */
  real: number;
  event: TraceEvent | ShellEvent;
}

export type LinkState =
  | { status: 'idle' }
  | { status: 'connecting'; url: string; room: string; name: string; attempt: number }
  | {
      status: 'joined';
      url: string;
      room: string;
      name: string;
      address: string;
      hostname: string;
      subnet: string;
      mtu: number;
      /** Everyone else in the room. */
      hosts: HostInfo[];
      /** 'teacher': this tab sees every host's status (WorkerUpdate.roomStatus). */
      role: Role;
      /** Teachers only: the code that lets another tab join as a teacher; null for students. */
      teacherCode: string | null;
      /** A teacher is in the room and sees this host's connections and exercise progress. */
      watchedByTeacher: boolean;
      /**
       * Set when a rejoin got a different address than the host has: the host keeps its old
       * address (and its connections), but the relay drops its frames as spoofed until
       * adoptRelayAddress() gives the host the new address (its connections are lost then).
       */
      addressChanged: { hostAddress: string; relayAddress: string } | null;
    }
  | {
      status: 'reconnecting';
      url: string;
      room: string;
      name: string;
      attempt: number;
      /** Wall-clock ms of the next attempt; the UI counts down to it ("reconnecting in 3 s"). */
      retryAt: number;
      delayMs: number;
      /** Why the last connection ended. */
      code: number;
      reason: string;
    }
  | {
      status: 'closed';
      /** WebSocket close code (1000 after leave()). */
      code: number;
      reason: string;
      /** True after leave(); false when the relay refused us for good (bad room or name). */
      byUser: boolean;
    };

export interface ClockState {
  /** Stack time advances at factor × real time (1 = real time, 0.1 = ten times slower). */
  factor: number;
  paused: boolean;
  /** Stack time now, ms. */
  stack: number;
  /** Wall-clock ms when this state was taken. */
  real: number;
}
