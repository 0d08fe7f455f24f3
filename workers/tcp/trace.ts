// The one trace. Every state change, segment, timer, fault and error is one typed event.
// The UI, pcap export, tests and exercises all read this same stream.
import type { TcpSegment } from './wire/types.ts';
import type { TcpState } from './state.ts';
import type { SocketErrorCode } from './errors.ts';

/** Why a segment was sent. */
export type SendReason =
  | 'syn'
  | 'syn-ack'
  | 'data'
  | 'ack'
  | 'fin'
  | 'retransmit'
  | 'fast-retransmit'
  | 'window-probe'
  | 'window-update'
  | 'challenge-ack'
  | 'rst'
  | 'dup-ack'
  /** A keep-alive probe (RFC 1122 §4.2.3.6): SEG.SEQ = SND.NXT − 1, no data. */
  | 'keepalive'
  /** A SYN,ACK whose ISN is a SYN cookie (RFC 4987 §3.6): no connection state was kept. */
  | 'syn-cookie';

/** Why an incoming segment was not accepted, or a packet not parsed. */
export type DropReason =
  | 'malformed'
  | 'bad-checksum'
  | 'not-for-us'
  | 'no-listener'
  | 'unacceptable'
  | 'old-duplicate'
  | 'paws'
  | 'rst-ignored'
  | 'backlog-full'
  | 'out-of-window'
  | 'fault'
  /** A SYN (or cookie ACK) beyond maxConnectionsPerPeer: refused with RST. */
  | 'peer-limit'
  /** A SYN (or cookie ACK) beyond maxConnections: refused with RST. */
  | 'conn-limit'
  /** The segment would have been answered (RST, challenge ACK, duplicate ACK), but the answer
   *  was over its rate limit (rstPerSecond, challengeAckPerSecond, invalidAckInterval). */
  | 'rate-limited';

export type TimerName = 'retransmit' | 'persist' | 'time-wait' | 'delayed-ack' | 'idle' | 'user-timeout' | 'keepalive';

/** A snapshot of the transmission control block (RFC 9293 §3.3.1), in the RFC's names. */
export interface TcbSnapshot {
  state: TcpState;
  iss: number;
  irs: number;
  sndUna: number;
  sndNxt: number;
  sndWnd: number;
  sndWl1: number;
  sndWl2: number;
  rcvNxt: number;
  rcvWnd: number;
  sndMss: number;
  rto: number;
  srtt: number | null;
  rttvar: number | null;
  cwnd: number;
  ssthresh: number;
  /** Bytes written by the user and not yet acknowledged. */
  sendQueued: number;
  /** In-order bytes received and not yet read by the user. */
  recvQueued: number;
  /** Running timers and their absolute deadlines. */
  timers: Partial<Record<TimerName, number>>;
  retransmits: number;
}

interface Base {
  /** Stack time in ms (the `now` the core was given). */
  t: number;
  /** The host's own IPv4 address, dotted. */
  host: string;
}

export type TraceEvent =
  | (Base & {
      type: 'conn';
      conn: number;
      localAddr: string;
      localPort: number;
      remoteAddr: string;
      remotePort: number;
      role: 'active' | 'passive';
    })
  | (Base & { type: 'state'; conn: number; from: TcpState; to: TcpState; cause: string })
  | (Base & {
      type: 'segment';
      dir: 'out' | 'in';
      conn: number | null;
      /** The whole IPv4 packet as it went on (or came off) the wire. */
      bytes: Uint8Array;
      seg: TcpSegment;
      src: string;
      dst: string;
      /** Why it was sent (dir 'out'). */
      reason?: SendReason;
    })
  | (Base & {
      type: 'drop';
      conn: number | null;
      bytes: Uint8Array;
      seg: TcpSegment | null;
      reason: DropReason;
      detail: string;
    })
  | (Base & {
      type: 'timer';
      conn: number;
      timer: TimerName;
      action: 'set' | 'fired' | 'cancelled';
      deadline?: number;
    })
  | (Base & { type: 'tcb'; conn: number; tcb: TcbSnapshot })
  | (Base & { type: 'cwnd'; conn: number; cwnd: number; ssthresh: number; reason: string })
  | (Base & { type: 'deliver'; conn: number; bytes: number })
  | (Base & { type: 'user'; conn: number | null; call: string; result: 'ok' | SocketErrorCode; detail?: string })
  | (Base & { type: 'error'; conn: number; code: SocketErrorCode; message: string })
  | (Base & {
      /** A listener started answering SYNs with SYN cookies (its backlog is full), or stopped. */
      type: 'syn-cookies';
      port: number;
      action: 'on' | 'off';
      detail: string;
    })
  | (Base & {
      /** A fault injected by a shell (simulated link or worker): the packet was dropped, duplicated, delayed, … */
      type: 'fault';
      dir: 'out' | 'in';
      fault: 'loss' | 'duplicate' | 'reorder' | 'delay' | 'corrupt' | 'rate-limit' | 'hold' | 'rule';
      bytes: Uint8Array;
      detail: string;
    });

export type TraceEventType = TraceEvent['type'];
export type TraceSink = (event: TraceEvent) => void;
