// The fields a check can test or bind, per trace event type: one table that the validator (names,
// kinds, allowed values), the evaluator (getters) and SCHEMA.md all follow. Adding a field here
// makes it usable in every exercise; nothing else needs to know.
import type { DropReason, SendReason, TimerName, TraceEvent, TraceEventType } from '../../workers/tcp/trace.ts';
import type { SocketErrorCode } from '../../workers/tcp/errors.ts';
import { STATES } from '../../workers/tcp/state.ts';
import { Flag, type TcpSegment } from '../../workers/tcp/wire/types.ts';
import { tcpFlags, tcpPayloadLength } from '../../workers/tcp/wire/peek.ts';
import type { ConnEnd } from '../model/connections.ts';

/** num: plain numbers. seq: 32-bit sequence space (compared modulo 2^32). str, bool: as they are. */
export type FieldKind = 'num' | 'seq' | 'str' | 'bool';
export type FieldValue = number | string | boolean;

/** What a getter may ask about the event besides the event itself (computed only when asked). */
export interface EventContext {
  end(): ConnEnd | null;
}

export interface FieldDef {
  kind: FieldKind;
  /** The only values a string field can take (validated, and listed in error messages). */
  values?: readonly string[];
  doc: string;
  get(ev: TraceEvent, at: EventContext): FieldValue | undefined;
}

type Ev<T extends TraceEventType> = Extract<TraceEvent, { type: T }>;
interface Def<E> {
  kind: FieldKind;
  values?: readonly string[];
  doc: string;
  get(ev: E, at: EventContext): FieldValue | undefined;
}

/** The getters are only ever called on events of their own type (the matcher checks the type first). */
function table<T extends TraceEventType>(_type: T, defs: Record<string, Def<Ev<T>>>): Record<string, FieldDef> {
  return defs as unknown as Record<string, FieldDef>;
}

// Exhaustive lists of the core's enumerations: `satisfies Record<…>` breaks the build if the core adds one.
const SEND_REASONS = Object.keys({
  syn: 1, 'syn-ack': 1, data: 1, ack: 1, fin: 1, retransmit: 1, 'fast-retransmit': 1, 'window-probe': 1,
  'window-update': 1, 'challenge-ack': 1, rst: 1, 'dup-ack': 1, 'syn-cookie': 1, keepalive: 1,
} satisfies Record<SendReason, 1>);
const DROP_REASONS = Object.keys({
  malformed: 1, 'bad-checksum': 1, 'not-for-us': 1, 'no-listener': 1, unacceptable: 1, 'old-duplicate': 1,
  paws: 1, 'rst-ignored': 1, 'backlog-full': 1, 'out-of-window': 1, fault: 1, 'peer-limit': 1, 'conn-limit': 1,
  'rate-limited': 1,
} satisfies Record<DropReason, 1>);
const TIMER_NAMES = Object.keys({
  retransmit: 1, persist: 1, 'time-wait': 1, 'delayed-ack': 1, idle: 1, 'user-timeout': 1, keepalive: 1,
} satisfies Record<TimerName, 1>);
const ERROR_CODES = Object.keys({
  ECONNREFUSED: 1, ECONNRESET: 1, ETIMEDOUT: 1, EADDRINUSE: 1, ENOTCONN: 1, EINVAL: 1, EPIPE: 1, EISCONN: 1,
  ENOBUFS: 1, EBADF: 1, ECONNABORTED: 1,
} satisfies Record<SocketErrorCode, 1>);
const FAULT_KINDS = Object.keys({
  loss: 1, duplicate: 1, reorder: 1, delay: 1, corrupt: 1, 'rate-limit': 1, hold: 1, rule: 1,
} satisfies Record<Ev<'fault'>['fault'], 1>);
const DIRS = ['out', 'in'] as const;
const ROLES = ['active', 'passive'] as const;

/** SEG.LEN (RFC 9293 §3.4): payload plus one for SYN and one for FIN. */
function segLen(s: TcpSegment): number {
  return s.payload.length + (s.flags & Flag.SYN ? 1 : 0) + (s.flags & Flag.FIN ? 1 : 0);
}

/** Fields of a decoded segment, shared by 'segment' and 'drop' (whose seg may be null). */
function segFields<E extends { seg: TcpSegment | null }>(): Record<string, Def<E>> {
  return {
    seq: { kind: 'seq', doc: 'sequence number', get: (e) => e.seg?.seq },
    ack: { kind: 'seq', doc: 'acknowledgment number (0 when the ACK bit is off)', get: (e) => e.seg?.ack },
    end: { kind: 'seq', doc: 'seq + SEG.LEN: the sequence number after this segment (what its ACK will say)', get: (e) => (e.seg ? (e.seg.seq + segLen(e.seg)) >>> 0 : undefined) },
    len: { kind: 'num', doc: 'payload bytes', get: (e) => e.seg?.payload.length },
    window: { kind: 'num', doc: 'window field as on the wire (not scaled)', get: (e) => e.seg?.window },
    srcPort: { kind: 'num', doc: 'source port', get: (e) => e.seg?.srcPort },
    dstPort: { kind: 'num', doc: 'destination port', get: (e) => e.seg?.dstPort },
    mss: { kind: 'num', doc: 'MSS option', get: (e) => e.seg?.options.mss },
    wscale: { kind: 'num', doc: 'window scale option (shift count)', get: (e) => e.seg?.options.windowScale },
    sackPermitted: { kind: 'bool', doc: 'SACK-permitted option present', get: (e) => (e.seg ? e.seg.options.sackPermitted === true : undefined) },
    sackBlocks: { kind: 'num', doc: 'number of SACK blocks', get: (e) => (e.seg ? e.seg.options.sackBlocks?.length ?? 0 : undefined) },
    tsVal: { kind: 'num', doc: 'timestamp option TSval', get: (e) => e.seg?.options.timestamps?.tsVal },
    tsEcr: { kind: 'num', doc: 'timestamp option TSecr', get: (e) => e.seg?.options.timestamps?.tsEcr },
  };
}

/** Fields every event has: where and when, and which connection end it belongs to. */
export const COMMON_FIELDS: Record<string, FieldDef> = {
  host: { kind: 'str', doc: "the host's address (whose trace this is)", get: (e) => e.host },
  t: { kind: 'num', doc: 'stack time, ms', get: (e) => e.t },
  conn: { kind: 'num', doc: 'the connection id on its host', get: (e, at) => at.end()?.conn ?? undefined },
  role: { kind: 'str', values: ROLES, doc: "role of the event's connection end: active (connect) or passive (listen)", get: (_e, at) => at.end()?.role ?? undefined },
  localAddr: { kind: 'str', doc: "the connection end's local address", get: (_e, at) => at.end()?.localAddr },
  localPort: { kind: 'num', doc: "the connection end's local port", get: (_e, at) => at.end()?.localPort },
  remoteAddr: { kind: 'str', doc: "the connection end's remote address", get: (_e, at) => at.end()?.remoteAddr },
  remotePort: { kind: 'num', doc: "the connection end's remote port", get: (_e, at) => at.end()?.remotePort },
};

const TCB_NUMBERS = ['sndWnd', 'rcvWnd', 'sndMss', 'rto', 'cwnd', 'ssthresh', 'sendQueued', 'recvQueued', 'retransmits'] as const;
const TCB_SEQS = ['iss', 'irs', 'sndUna', 'sndNxt', 'sndWl1', 'sndWl2', 'rcvNxt'] as const;

function tcbFields(): Record<string, Def<Ev<'tcb'>>> {
  const out: Record<string, Def<Ev<'tcb'>>> = {
    state: { kind: 'str', values: STATES, doc: 'connection state', get: (e) => e.tcb.state },
    srtt: { kind: 'num', doc: 'smoothed RTT (absent before the first sample)', get: (e) => e.tcb.srtt ?? undefined },
  };
  for (const k of TCB_NUMBERS) out[k] = { kind: 'num', doc: `TCB ${k}`, get: (e) => e.tcb[k] };
  for (const k of TCB_SEQS) out[k] = { kind: 'seq', doc: `TCB ${k}`, get: (e) => e.tcb[k] };
  return out;
}

/** Type-specific fields. */
export const EVENT_FIELDS: Record<TraceEventType, Record<string, FieldDef>> = {
  conn: table('conn', {}),
  state: table('state', {
    from: { kind: 'str', values: STATES, doc: 'state left', get: (e) => e.from },
    to: { kind: 'str', values: STATES, doc: 'state entered', get: (e) => e.to },
    cause: { kind: 'str', doc: 'event / action, e.g. "rcv SYN / snd SYN,ACK"', get: (e) => e.cause },
  }),
  segment: table('segment', {
    ...segFields<Ev<'segment'>>(),
    dir: { kind: 'str', values: DIRS, doc: 'out: sent by this host; in: arrived at it', get: (e) => e.dir },
    reason: { kind: 'str', values: SEND_REASONS, doc: 'why it was sent (outgoing only)', get: (e) => e.reason },
    src: { kind: 'str', doc: 'source address', get: (e) => e.src },
    dst: { kind: 'str', doc: 'destination address', get: (e) => e.dst },
  }),
  drop: table('drop', {
    ...segFields<Ev<'drop'>>(),
    reason: { kind: 'str', values: DROP_REASONS, doc: 'why the host did not accept it', get: (e) => e.reason },
    detail: { kind: 'str', doc: 'the explanation, in words', get: (e) => e.detail },
  }),
  timer: table('timer', {
    timer: { kind: 'str', values: TIMER_NAMES, doc: 'which timer', get: (e) => e.timer },
    action: { kind: 'str', values: ['set', 'fired', 'cancelled'], doc: 'what happened to it', get: (e) => e.action },
    deadline: { kind: 'num', doc: "absolute deadline ('set' only)", get: (e) => e.deadline },
  }),
  tcb: table('tcb', tcbFields()),
  cwnd: table('cwnd', {
    cwnd: { kind: 'num', doc: 'congestion window, bytes', get: (e) => e.cwnd },
    ssthresh: { kind: 'num', doc: 'slow-start threshold, bytes', get: (e) => e.ssthresh },
    reason: { kind: 'str', doc: 'e.g. "slow start", "congestion avoidance", "fast recovery entered", "RTO collapse"', get: (e) => e.reason },
  }),
  deliver: table('deliver', {
    bytes: { kind: 'num', doc: 'bytes that became readable in order', get: (e) => e.bytes },
  }),
  user: table('user', {
    call: { kind: 'str', doc: 'socket call: listen, connect, accept, shutdown, close, abort…', get: (e) => e.call },
    result: { kind: 'str', values: ['ok', ...ERROR_CODES], doc: "'ok' or an error code", get: (e) => e.result },
    detail: { kind: 'str', doc: 'details, in words', get: (e) => e.detail },
  }),
  error: table('error', {
    code: { kind: 'str', values: ERROR_CODES, doc: 'the error the socket user sees', get: (e) => e.code },
    message: { kind: 'str', doc: 'the message, in words', get: (e) => e.message },
  }),
  'syn-cookies': table('syn-cookies', {
    port: { kind: 'num', doc: 'the listening port', get: (e) => e.port },
    action: { kind: 'str', values: ['on', 'off'], doc: 'on: its backlog is full, SYNs get cookies; off: it has room again', get: (e) => e.action },
    detail: { kind: 'str', doc: 'details, in words', get: (e) => e.detail },
  }),
  fault: table('fault', {
    dir: { kind: 'str', values: DIRS, doc: "direction of the host's link", get: (e) => e.dir },
    fault: { kind: 'str', values: FAULT_KINDS, doc: 'what the link (or the hold queue) did', get: (e) => e.fault },
    detail: { kind: 'str', doc: 'details, in words ("held as #1…", "dropped #2…")', get: (e) => e.detail },
    len: { kind: 'num', doc: 'TCP payload bytes of the packet', get: (e) => nonNegative(tcpPayloadLength(e.bytes)) },
  }),
};

export const EVENT_TYPES = Object.keys(EVENT_FIELDS) as TraceEventType[];

/** Types whose events carry TCP flags (matchers may use flags / has / lacks on them). */
export const FLAGGED_TYPES: ReadonlySet<TraceEventType> = new Set(['segment', 'drop', 'fault']);

/** The TCP flags byte of an event, or -1 when it has none. */
export function flagsOf(ev: TraceEvent): number {
  switch (ev.type) {
    case 'segment':
      return ev.seg.flags;
    case 'drop':
      return ev.seg === null ? -1 : ev.seg.flags;
    case 'fault':
      return tcpFlags(ev.bytes);
    default:
      return -1;
  }
}

/** The field named `name` for events of `type`, common fields included. */
export function fieldFor(type: TraceEventType, name: string): FieldDef | undefined {
  return Object.hasOwn(EVENT_FIELDS[type], name) ? EVENT_FIELDS[type][name] : Object.hasOwn(COMMON_FIELDS, name) ? COMMON_FIELDS[name] : undefined;
}

export function fieldNames(type: TraceEventType): string[] {
  return [...Object.keys(EVENT_FIELDS[type]), ...Object.keys(COMMON_FIELDS)];
}

function nonNegative(n: number): number | undefined {
  return n < 0 ? undefined : n;
}
