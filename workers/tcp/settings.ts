// Per-stack settings with documented defaults. Times are in milliseconds of stack time.

export interface StackSettings {
  /** Maximum segment lifetime. TIME-WAIT lasts 2×MSL (RFC 9293 §3.4.2). The RFC says 2 minutes;
   *  a playground defaults to 5 s so TIME-WAIT (10 s) can be watched without waiting. */
  msl: number;
  /** RTO before any RTT sample (RFC 6298 §2.1: 1 s). */
  initialRto: number;
  /** Lower bound on the RTO (RFC 6298 §2.4: 1 s). */
  minRto: number;
  /** Upper bound on the RTO (RFC 6298 §2.5 allows ≥ 60 s). */
  maxRto: number;
  /** SYN (and SYN,ACK) retransmissions before the connection gives up (RFC 9293 §3.8.3, R2 for SYN). */
  synRetries: number;
  /** Data/FIN retransmissions of one segment before the connection gives up (R2). */
  dataRetries: number;
  /** Bytes of the send buffer (written, not yet acknowledged). */
  sendBufferSize: number;
  /** Bytes of the receive buffer; the advertised window is its free space (RFC 9293 §3.8.6). */
  receiveBufferSize: number;
  /** MSS we advertise: MTU 1500 minus 40 bytes of IPv4+TCP headers. */
  mss: number;
  /** Send MSS assumed when the peer's SYN carries no MSS option (RFC 9293 §3.7.1: 536). */
  defaultSendMss: number;
  /** Pending connections a listener holds before it ignores new SYNs. */
  backlog: number;
  /** Ephemeral port range (RFC 6335 §6: 49152–65535). */
  ephemeralPortMin: number;
  ephemeralPortMax: number;
  /** IPv4 time to live of packets we send. */
  ttl: number;
  /** Upper bound of the persist (zero-window probe) interval. */
  maxPersist: number;
  // --- Modern TCP switches (issue 3); the core reads them where implemented. ---
  /** RFC 5681/6582 congestion control. Off: cwnd is unbounded (RFC 793 behaviour). */
  congestionControl: boolean;
  /** Initial window in segments (RFC 6928: 10). */
  initialWindowSegments: number;
  sack: boolean;
  windowScale: boolean;
  timestamps: boolean;
  nagle: boolean;
  delayedAck: boolean;
  /** Delayed-ACK timer (RFC 9293 §3.8.6.3: < 0.5 s). */
  delayedAckTimeout: number;
  // --- Defences of a server (issue 14) ---
  /** SYN cookies (RFC 4987 §3.6): a SYN to a listener whose backlog is full is answered with a
   *  SYN,ACK whose ISN encodes the connection, and no state is kept until the final ACK proves it.
   *  Off: a full backlog recycles its oldest half-open connection (RFC 4987 §3.4) or ignores the SYN. */
  synCookies: boolean;
  /** RSTs a host sends per second for segments that match no connection (RFC 9293 §3.10.7.1,
   *  §3.10.7.2); the excess goes unanswered. FreeBSD's net.inet.icmp.icmplim: 200. 0 = unlimited. */
  rstPerSecond: number;
  /** Challenge ACKs (RFC 5961 §7) a host sends per second, all connections together. Linux's
   *  tcp_challenge_ack_limit (1000 from 4.7 to 5.19). 0 = unlimited. */
  challengeAckPerSecond: number;
  /** Per connection: at most one ACK per this many ms in answer to out-of-window pure ACKs, SYNs
   *  and RSTs, challenge ACKs included. Linux's tcp_invalid_ratelimit: 500 ms. 0 = no limit. */
  invalidAckInterval: number;
  /** Connections with one remote address (either direction, all ports, TIME-WAIT not counted).
   *  A SYN beyond it gets an RST; a connect() beyond it fails with ENOBUFS. 0 = unlimited. */
  maxConnectionsPerPeer: number;
  /** Connections on this host (TIME-WAIT not counted), same treatment. 0 = unlimited. */
  maxConnections: number;
  /** Abort (RST, ETIMEDOUT) a synchronized connection that received nothing for this many ms.
   *  A server policy (nginx's client timeouts), not RFC 9293 §3.8.4 keep-alive. 0 = off. */
  idleTimeout: number;
  /** RFC 9293 §3.10.8 USER TIMEOUT (RFC 5482): abort (RST, ETIMEDOUT) when sent data, zero-window
   *  probes included (as Linux's TCP_USER_TIMEOUT), stayed unacknowledged this many ms. 0 = off. */
  userTimeout: number;
  // --- Keep-alive (RFC 9293 §3.8.4, RFC 1122 §4.2.3.6; keepalive.ts) ---
  /** Keep-alive for new connections; off by default (RFC 1122: "MUST default to off"). A socket
   *  switches it with setOption(id, 'keepAlive', on), as SO_KEEPALIVE. */
  keepAlive: boolean;
  /** Idle ms (nothing received, nothing outstanding) before the first probe. Linux's
   *  tcp_keepalive_time: 7200 s (RFC 1122: no less than two hours by default). */
  keepAliveIdle: number;
  /** Ms between unanswered probes. Linux's tcp_keepalive_intvl: 75 s. */
  keepAliveInterval: number;
  /** Unanswered probes before the connection is aborted (RST, ETIMEDOUT). Linux's tcp_keepalive_probes: 9. */
  keepAliveCount: number;
}

const COMMON = {
  msl: 5_000,
  maxRto: 60_000,
  synRetries: 4,
  dataRetries: 8,
  sendBufferSize: 256 * 1024,
  receiveBufferSize: 256 * 1024,
  mss: 1460,
  defaultSendMss: 536,
  backlog: 16,
  ephemeralPortMin: 49152,
  ephemeralPortMax: 65535,
  ttl: 64,
  maxPersist: 60_000,
  initialWindowSegments: 10,
  delayedAckTimeout: 200,
  // Both profiles limit the answers a host gives to segments it did not ask for: a tab in a room
  // must survive a reflection attack (answers spend its relay rate budget), and at classroom
  // rates no limit is ever reached, so nothing a lesson shows changes.
  rstPerSecond: 200,
  challengeAckPerSecond: 1000,
  maxConnectionsPerPeer: 0,
  maxConnections: 0,
  idleTimeout: 0,
  userTimeout: 0,
  keepAlive: false,
  keepAliveIdle: 7_200_000,
  keepAliveInterval: 75_000,
  keepAliveCount: 9,
} as const;

/**
 * Two profiles a workshop can switch between; every mechanism can also be switched on its own.
 * - textbook: the RFC 793 machine. MSS is the only option; no window scaling, timestamps or SACK;
 *   no congestion control, no Nagle, every segment acknowledged at once; RFC 6298's 1 s timers.
 * - modern: what a Linux peer does, so captures look like the ones students meet: RFC 5681/6582
 *   congestion control with an RFC 6928 initial window, SACK, window scaling, timestamps, Nagle,
 *   delayed ACK, and Linux's timers (initial RTO 1 s, minimum RTO 200 ms, delayed ACK 40 ms).
 */
export const PROFILES = {
  textbook: Object.freeze({
    ...COMMON,
    initialRto: 1_000,
    minRto: 1_000,
    congestionControl: false,
    sack: false,
    windowScale: false,
    timestamps: false,
    nagle: false,
    delayedAck: false,
    // The RFC 793 machine has no SYN cookies: a full backlog is the classic SYN-flood lesson.
    synCookies: false,
    // RFC 9293 §3.10.7.4 answers every unacceptable segment with an ACK; the textbook shows each one.
    invalidAckInterval: 0,
  }) satisfies StackSettings,
  modern: Object.freeze({
    ...COMMON,
    initialRto: 1_000,
    minRto: 200,
    congestionControl: true,
    sack: true,
    windowScale: true,
    timestamps: true,
    nagle: true,
    delayedAck: true,
    // Linux's minimum delayed-ACK timeout. It must stay well below the 200 ms minimum RTO, or a
    // lone last segment's delayed ACK races the sender's retransmission timer.
    delayedAckTimeout: 40,
    synCookies: true,
    invalidAckInterval: 500,
  }) satisfies StackSettings,
} as const;
export type ProfileName = keyof typeof PROFILES;

/** The default is the modern profile: Nagle and delayed ACK on, as on the systems students capture. */
export const DEFAULT_SETTINGS: Readonly<StackSettings> = PROFILES.modern;

/** Fill defaults and refuse values that would break the stack, with a message that says why. */
export function resolveSettings(partial: Partial<StackSettings> = {}): { ok: true; value: StackSettings } | { ok: false; reason: string } {
  const s: StackSettings = { ...DEFAULT_SETTINGS, ...partial };
  const positive: (keyof StackSettings)[] = [
    'msl', 'initialRto', 'minRto', 'maxRto', 'sendBufferSize', 'receiveBufferSize', 'mss', 'defaultSendMss', 'backlog', 'maxPersist', 'delayedAckTimeout', 'initialWindowSegments',
    'keepAliveIdle', 'keepAliveInterval', 'keepAliveCount',
  ];
  for (const k of positive) {
    const v = s[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) return { ok: false, reason: `setting ${k} must be a positive number, got ${String(v)}` };
  }
  for (const k of ['synRetries', 'dataRetries', 'rstPerSecond', 'challengeAckPerSecond', 'invalidAckInterval', 'maxConnectionsPerPeer', 'maxConnections', 'idleTimeout', 'userTimeout'] as const) {
    if (!Number.isInteger(s[k]) || s[k] < 0) return { ok: false, reason: `setting ${k} must be a whole number ≥ 0, got ${s[k]}` };
  }
  if (!Number.isInteger(s.keepAliveCount)) return { ok: false, reason: `setting keepAliveCount must be a whole number ≥ 1, got ${s.keepAliveCount}` };
  if (typeof s.keepAlive !== 'boolean') return { ok: false, reason: `setting keepAlive must be true or false, got ${String(s.keepAlive)}` };
  if (typeof s.synCookies !== 'boolean') return { ok: false, reason: `setting synCookies must be true or false, got ${String(s.synCookies)}` };
  if (s.minRto > s.maxRto) return { ok: false, reason: `minRto (${s.minRto}) is above maxRto (${s.maxRto})` };
  if (s.mss < 64 || s.mss > 65495) return { ok: false, reason: `mss must be 64…65495, got ${s.mss}` };
  if (s.ttl < 1 || s.ttl > 255) return { ok: false, reason: `ttl must be 1…255, got ${s.ttl}` };
  if (s.ephemeralPortMin < 1 || s.ephemeralPortMax > 65535 || s.ephemeralPortMin > s.ephemeralPortMax)
    return { ok: false, reason: `ephemeral port range ${s.ephemeralPortMin}–${s.ephemeralPortMax} is not within 1–65535` };
  return { ok: true, value: s };
}
