// Relay options: what can be set, the documented defaults, and the up-front check that turns a
// bad value into one clear error before anything listens.
import { fileURLToPath } from 'node:url';
import type { RoomApi } from './room-api.ts';
import { MAX_CLIENT_ADDRESSES } from './addresses.ts';
import { ADMIN_TOKEN_PATTERN, newAdminToken } from './admin-token.ts';
import { isHostPattern } from './host-check.ts';

export interface RelayOptions {
  /** TCP port for HTTP and WebSocket. Default 8080; 0 picks a free port. */
  port?: number;
  /** Interface to listen on. Default '0.0.0.0' (all IPv4 interfaces) so a workshop's students
   *  can reach the teacher's laptop; pass '127.0.0.1' to keep the relay private. */
  host?: string;
  /** Largest IPv4 packet (total length) the relay forwards. Default 1500, range 68–65535. */
  mtu?: number;
  /** Largest WebSocket message accepted at all (ws `maxPayload`); above it the connection is
   *  closed with 1009. Default 65536; must be at least the MTU and 1024. */
  maxPayload?: number;
  /** Clients (WebSocket connections that joined) on the whole relay. Default 1000. */
  maxClients?: number;
  /** Clients in one room (bots not counted). Default 128. */
  maxClientsPerRoom?: number;
  /** Per-client token bucket on messages (frames and text) per second. Default 2000. */
  framesPerSecond?: number;
  /** Size of that bucket: how many messages may arrive back to back. Default 500. */
  frameBurst?: number;
  /** Per-client token bucket on bytes per second. Default 2 MiB/s. */
  bytesPerSecond?: number;
  /** Size of that bucket in bytes. Default 512 KiB; must be at least maxPayload so any
   *  acceptable message can pass when the bucket is full. */
  byteBurst?: number;
  /** Close a client (4005) after this many consecutive seconds in each of which it had more
   *  messages dropped by the rate limit than framesPerSecond. Default 10; 0 never closes. */
  rateLimitCloseAfterSeconds?: number;
  /** Bytes that may wait in the relay for one receiver (its ws.bufferedAmount). Frames to a
   *  receiver above this are dropped, like a full router queue. Default 512 KiB. */
  maxQueuedBytes?: number;
  /** Notices (`unreachable`, `dropped`) one client may be sent per second; the rest are
   *  suppressed (the drops are still counted). Default 10. */
  noticesPerSecond?: number;
  /** Ping every client this often (ms); one that has not answered the previous ping by the
   *  next one is evicted. Default 20000; 0 turns heartbeats off. */
  heartbeatMs?: number;
  /** Extra browser origins allowed to open the WebSocket, e.g. 'http://192.168.1.20:5173', or
   *  '*' for any. The page's own origin (Origin matches Host), localhost origins and clients
   *  that send no Origin (non-browser programs) are always allowed. Default []. */
  allowedOrigins?: string[];
  /** Directory for one pcap file per room (`<room>-<UTC timestamp>.pcap`); created if missing.
   *  Default null: no capture. */
  pcapDir?: string | null;
  /** Add the built-in bot hosts to each new room (see bots.ts). Default true. */
  bots?: boolean;
  /** Called once for each new room, before its first client is welcomed, after the built-in
   *  bots (when enabled) were added: the place to attach more virtual hosts. */
  onRoomCreated?: ((room: RoomApi) => void) | null;
  /** Directory of the built UI. Default `dist/` at the repository root; null serves no files. */
  staticDir?: string | null;
  /** Directory of exercise packs served at /packs/ (a listing) and /packs/NAME.json. Default null. */
  packsDir?: string | null;
  /** Where operational lines (listening, pcap files, evictions) go. Default console.log. */
  log?: (line: string) => void;
  // ---- HTTP side: /stats access, connection limits, timeouts, Host check (http-routes.ts, http-guard.ts)
  /** Bearer token that unlocks per-room detail in /stats (`Authorization: Bearer TOKEN` or
   *  `?token=TOKEN`). Default: a random token made at start (relay.options.adminToken; npm start
   *  prints it). 16–256 characters of A-Z a-z 0-9 and `-._~+/=`. */
  adminToken?: string;
  /** Open TCP connections to the HTTP server from one source address (WebSockets included);
   *  beyond it a new socket is destroyed at once and counted. Default 256. */
  maxConnectionsPerSource?: number;
  /** Time a connection has to send a request's complete headers, counted from the connection's
   *  start for its first request (so a socket that never sends anything is closed too, with
   *  408). Default 10000 ms. */
  headersTimeoutMs?: number;
  /** Time to receive a whole request, body included. Default 30000 ms; at least headersTimeoutMs. */
  requestTimeoutMs?: number;
  /** An idle keep-alive connection between requests is closed after this. Default 5000 ms. */
  keepAliveTimeoutMs?: number;
  /** An HTTP socket with no traffic either way for this long is closed (e.g. a reader that stops
   *  reading a response). WebSockets are not subject to it (heartbeatMs is their rule).
   *  Default 30000 ms. */
  idleTimeoutMs?: number;
  /** Largest request head (request line and headers) in bytes; larger gets 431. Default 16384. */
  maxHeaderBytes?: number;
  /** Host header values the relay answers to, e.g. ['192.168.1.20:8080', 'relay.lan'] (an entry
   *  without a port matches any port). Others get 421, WebSocket upgrades included: the defence
   *  against DNS rebinding. Default [] (any Host). */
  allowedHosts?: string[];
  // --- Per-source limits, teacher codes and capture caps (PROTOCOL.md §2.3, §6, §7, §9) ---
  /** WebSocket clients one source address may have in rooms at once (4007 beyond). Default 64:
   *  a teacher can test 40+ tabs from one laptop. Loopback is not exempt. */
  maxClientsPerSource?: number;
  /** WebSocket joins one source address may make per second, after a burst of twice
   *  maxClientsPerSource (at least 16: a teacher's tabs opened at once, and reloaded once): a join-and-leave loop is refused with
   *  HTTP 429 before the handshake, since every join and leave is news for the whole room.
   *  Default 2. */
  joinsPerSourcePerSecond?: number;
  /** How long (seconds) an emptied room's teacher code stays bound to the room: meanwhile a
   *  client joining it is a student unless it brings that code. Default 1800 (30 min); 0
   *  forgets the code as soon as the room ends. */
  teacherCodeHoldSeconds?: number;
  /** Emptied rooms whose code is remembered; past this the oldest is forgotten. Default 10000. */
  maxHeldTeacherCodes?: number;
  /** Wrong teacher codes one source address may try per minute (a token bucket of this size);
   *  beyond, its codes are refused (4006) until the bucket refills. Default 5. */
  teacherCodeAttemptsPerMinute?: number;
  /** Largest capture file (bytes); a full file is closed and the room's capture goes on in a
   *  new one. Default 64 MiB. */
  pcapMaxFileBytes?: number;
  /** All capture files this relay wrote, together (bytes); beyond, the oldest closed files are
   *  deleted. Default 512 MiB; at least pcapMaxFileBytes. */
  pcapMaxTotalBytes?: number;
  /** Capture files this relay keeps on disk; beyond, the oldest closed files are deleted.
   *  Default 1000. */
  pcapMaxFiles?: number;
}

export type ResolvedOptions = Required<RelayOptions>;

export const DEFAULT_STATIC_DIR = fileURLToPath(new URL('../dist', import.meta.url));

export const DEFAULTS: Readonly<ResolvedOptions> = Object.freeze({
  port: 8080,
  host: '0.0.0.0',
  mtu: 1500,
  maxPayload: 65536,
  maxClients: 1000,
  maxClientsPerRoom: 128,
  framesPerSecond: 2000,
  frameBurst: 500,
  bytesPerSecond: 2 * 1024 * 1024,
  byteBurst: 512 * 1024,
  rateLimitCloseAfterSeconds: 10,
  maxQueuedBytes: 512 * 1024,
  noticesPerSecond: 10,
  heartbeatMs: 20_000,
  allowedOrigins: [] as string[],
  pcapDir: null,
  bots: true,
  onRoomCreated: null,
  staticDir: DEFAULT_STATIC_DIR,
  packsDir: null,
  log: (line: string) => console.log(line),
  adminToken: '', // replaced by a random token in resolveOptions
  maxConnectionsPerSource: 256,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 30_000,
  maxHeaderBytes: 16 * 1024,
  allowedHosts: [] as string[],
  maxClientsPerSource: 64,
  joinsPerSourcePerSecond: 2,
  teacherCodeHoldSeconds: 30 * 60,
  maxHeldTeacherCodes: 10_000,
  teacherCodeAttemptsPerMinute: 5,
  pcapMaxFileBytes: 64 * 1024 * 1024,
  pcapMaxTotalBytes: 512 * 1024 * 1024,
  pcapMaxFiles: 1000,
});

export class RelayOptionsError extends Error {
  override name = 'RelayOptionsError';
}

type IntRule = { min: number; max: number };
const INTS: Partial<Record<keyof RelayOptions, IntRule>> = {
  port: { min: 0, max: 65535 },
  mtu: { min: 68, max: 65535 }, // RFC 791: every host must accept 68-byte datagrams; 16-bit total length
  maxPayload: { min: 1024, max: 16 * 1024 * 1024 },
  maxClients: { min: 1, max: 1_000_000 },
  maxClientsPerRoom: { min: 1, max: MAX_CLIENT_ADDRESSES },
  framesPerSecond: { min: 1, max: 1e9 },
  frameBurst: { min: 1, max: 1e9 },
  bytesPerSecond: { min: 1, max: 1e12 },
  byteBurst: { min: 1, max: 1e12 },
  rateLimitCloseAfterSeconds: { min: 0, max: 86_400 },
  maxQueuedBytes: { min: 1, max: 1024 * 1024 * 1024 },
  noticesPerSecond: { min: 1, max: 1e6 },
  heartbeatMs: { min: 0, max: 3_600_000 },
  maxConnectionsPerSource: { min: 1, max: 1_000_000 },
  headersTimeoutMs: { min: 100, max: 3_600_000 },
  requestTimeoutMs: { min: 100, max: 3_600_000 },
  keepAliveTimeoutMs: { min: 100, max: 3_600_000 },
  idleTimeoutMs: { min: 100, max: 3_600_000 },
  maxHeaderBytes: { min: 1024, max: 1024 * 1024 },
  maxClientsPerSource: { min: 1, max: 1_000_000 },
  joinsPerSourcePerSecond: { min: 1, max: 1_000_000 },
  teacherCodeHoldSeconds: { min: 0, max: 7 * 86_400 },
  maxHeldTeacherCodes: { min: 1, max: 1_000_000 },
  teacherCodeAttemptsPerMinute: { min: 1, max: 1_000_000 },
  pcapMaxFileBytes: { min: 4096, max: 1e12 },
  pcapMaxTotalBytes: { min: 4096, max: 1e13 },
  pcapMaxFiles: { min: 1, max: 1_000_000 },
};

const KNOWN = new Set(Object.keys(DEFAULTS));

/** Fill in defaults and check every value; throws RelayOptionsError naming all problems. */
export function resolveOptions(input: RelayOptions = {}): ResolvedOptions {
  const problems: string[] = [];
  for (const key of Object.keys(input)) {
    if (!KNOWN.has(key)) problems.push(`unknown option "${key}"`);
  }
  const o: ResolvedOptions = { ...DEFAULTS, allowedOrigins: [...DEFAULTS.allowedOrigins], allowedHosts: [], adminToken: newAdminToken() };
  // Undefined means "use the default", so spreading a partially filled object from a CLI works.
  for (const [key, value] of Object.entries(input)) {
    if (value !== undefined && KNOWN.has(key)) (o as unknown as Record<string, unknown>)[key] = value;
  }
  for (const [key, rule] of Object.entries(INTS) as [keyof RelayOptions, IntRule][]) {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < rule.min || v > rule.max) {
      problems.push(`${key} must be an integer from ${rule.min} to ${rule.max}, got ${JSON.stringify(v)}`);
    }
  }
  if (typeof o.host !== 'string' || o.host.length === 0) problems.push('host must be a non-empty string');
  if (typeof o.bots !== 'boolean') problems.push('bots must be true or false');
  if (typeof o.log !== 'function') problems.push('log must be a function');
  if (o.onRoomCreated !== null && typeof o.onRoomCreated !== 'function') {
    problems.push('onRoomCreated must be a function or null');
  }
  if (o.pcapDir !== null && (typeof o.pcapDir !== 'string' || o.pcapDir.length === 0)) {
    problems.push('pcapDir must be a directory path or null');
  }
  if (o.packsDir !== null && (typeof o.packsDir !== 'string' || o.packsDir.length === 0)) {
    problems.push('packsDir must be a directory path or null');
  }
  if (o.staticDir !== null && (typeof o.staticDir !== 'string' || o.staticDir.length === 0)) {
    problems.push('staticDir must be a directory path or null');
  }
  if (!Array.isArray(o.allowedOrigins)) {
    problems.push('allowedOrigins must be an array of origins');
  } else {
    for (const origin of o.allowedOrigins) {
      if (!isOriginPattern(origin)) {
        problems.push(`allowedOrigins entry ${JSON.stringify(origin)} is not "*" or an origin like http://host:port`);
      }
    }
  }
  if (typeof o.adminToken !== 'string' || !ADMIN_TOKEN_PATTERN.test(o.adminToken)) {
    problems.push('adminToken must be 16–256 characters of A-Z a-z 0-9 - . _ ~ + / =');
  }
  if (!Array.isArray(o.allowedHosts)) {
    problems.push('allowedHosts must be an array of host names, optionally with :port');
  } else {
    for (const host of o.allowedHosts) {
      if (!isHostPattern(host)) problems.push(`allowedHosts entry ${JSON.stringify(host)} is not a host like relay.lan, 192.168.1.20:8080 or [::1]:8080`);
    }
  }
  // Cross-field rules, only meaningful once the single fields are sane.
  if (problems.length === 0) {
    if (o.requestTimeoutMs < o.headersTimeoutMs) {
      problems.push(`requestTimeoutMs (${o.requestTimeoutMs}) must be at least headersTimeoutMs (${o.headersTimeoutMs})`);
    }
    if (o.maxPayload < o.mtu) problems.push(`maxPayload (${o.maxPayload}) must be at least the MTU (${o.mtu})`);
    if (o.byteBurst < o.maxPayload) {
      problems.push(`byteBurst (${o.byteBurst}) must be at least maxPayload (${o.maxPayload}), or large messages could never pass`);
    }
    if (o.maxQueuedBytes < o.mtu) problems.push(`maxQueuedBytes (${o.maxQueuedBytes}) must be at least the MTU (${o.mtu})`);
    if (o.maxClientsPerRoom > o.maxClients) {
      problems.push(`maxClientsPerRoom (${o.maxClientsPerRoom}) must not exceed maxClients (${o.maxClients})`);
    }
    if (o.pcapMaxTotalBytes < o.pcapMaxFileBytes) {
      problems.push(`pcapMaxTotalBytes (${o.pcapMaxTotalBytes}) must be at least pcapMaxFileBytes (${o.pcapMaxFileBytes})`);
    }
  }
  if (problems.length > 0) throw new RelayOptionsError(`invalid relay options: ${problems.join('; ')}`);
  return o;
}

function isOriginPattern(s: unknown): boolean {
  if (s === '*') return true;
  if (typeof s !== 'string') return false;
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === s.replace(/\/$/, '');
  } catch {
    return false;
  }
}
