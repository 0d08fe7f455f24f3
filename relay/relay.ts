// The relay: one HTTP server on one port serving the built UI, /stats, /healthz and the /ws
// WebSocket endpoint where browser tabs join rooms and exchange IPv4+TCP frames.
// Importing this file does nothing; createRelay starts a relay (relay/main.ts is the CLI).
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { attachBuiltInBots } from './bots.ts';
import { ClientMember, type ClientEvents } from './client.ts';
import { CloseCode, CloseReason } from './protocol/close-codes.ts';
import { parseListedKind, type LimitsInfo } from './protocol/messages.ts';
import { checkDisplayName, checkRoomName } from './protocol/names.ts';
import { RelayOptionsError, resolveOptions, type RelayOptions, type ResolvedOptions } from './options.ts';
import { isOriginAllowed } from './origin.ts';
import type { RoomApi } from './room-api.ts';
import { RoomRegistry, type Room, type RoomContext } from './rooms.ts';
import { guardConnections, httpServerOptions, newHttpCounters } from './http-guard.ts';
import { createRequestHandler, refuseForeignHostUpgrade, WS_PATH } from './http-routes.ts';
import { buildStats, RelayEvents, type RefusalReason, type RelayStats } from './stats.ts';
import { RoomTap } from './tap.ts';
import { CaptureStore } from './capture-caps.ts';
import { JoinRate, sourceOf, SourceCounter } from './source-limits.ts';
import { teacherCodeMatches } from './teacher.ts';
import { decideTeacher, HeldCodes, TeacherCodeAttempts } from './teacher-codes.ts';
import { Traffic } from './traffic.ts';

export { WS_PATH };

export interface Relay {
  /** The port actually listened on (useful with port 0). */
  readonly port: number;
  /** http://host:port/, with 127.0.0.1 standing in for 0.0.0.0. */
  readonly url: string;
  address(): AddressInfo;
  /** The options in force, defaults filled in. */
  readonly options: Readonly<ResolvedOptions>;
  /** Everything, rooms and hosts included: the in-process view. GET /stats serves only the
   *  counts unless the request brings the admin token (http-routes.ts). */
  stats(): RelayStats;
  /** A live room by name (lowercase), e.g. to attach a virtual host to it. */
  room(name: string): RoomApi | undefined;
  /** Close every client (1001), end every room (capture files flushed) and stop listening.
   *  Safe to call more than once: every call returns the same promise. */
  close(): Promise<void>;
}

/** How long clients get to answer our close frame before their sockets are cut. */
const CLOSE_GRACE_MS = 1000;

/**
 * Check the options, start listening and resolve once the port is open. Rejects with a
 * RelayOptionsError for bad options, or the listen error (e.g. EADDRINUSE) with the address.
 */
export async function createRelay(options: RelayOptions = {}): Promise<Relay> {
  const o = resolveOptions(options);
  if (o.pcapDir !== null) {
    try {
      mkdirSync(o.pcapDir, { recursive: true });
    } catch (err) {
      throw new RelayOptionsError(`invalid relay options: pcapDir ${o.pcapDir} cannot be created: ${(err as Error).message}`);
    }
  }
  const log = o.log;
  const startedAt = new Date();
  const global = new Traffic();
  const events = new RelayEvents();
  const httpCounters = newHttpCounters();
  const clients = new Set<ClientMember>();
  let closing = false;

  const limits: LimitsInfo = {
    framesPerSecond: o.framesPerSecond,
    frameBurst: o.frameBurst,
    bytesPerSecond: o.bytesPerSecond,
    byteBurst: o.byteBurst,
    maxPayload: o.maxPayload,
    maxQueuedBytes: o.maxQueuedBytes,
    heartbeatMs: o.heartbeatMs,
  };
  const pcapDir = o.pcapDir;
  const captures =
    pcapDir === null
      ? null
      : new CaptureStore({ dir: pcapDir, maxFileBytes: o.pcapMaxFileBytes, maxTotalBytes: o.pcapMaxTotalBytes, maxFiles: o.pcapMaxFiles }, log, () => {
          events.pcapFilesDeleted++;
        });
  const ctx: RoomContext = {
    mtu: o.mtu,
    maxQueuedBytes: o.maxQueuedBytes,
    limits,
    global,
    log,
    openTap: captures === null ? () => null : (room) => new RoomTap(captures, room, log),
  };
  const heldCodes = new HeldCodes(o.teacherCodeHoldSeconds * 1000, o.maxHeldTeacherCodes);
  const codeAttempts = new TeacherCodeAttempts(o.teacherCodeAttemptsPerMinute);
  const sources = new SourceCounter(o.maxClientsPerSource);
  // The burst lets a teacher's 64 tabs in, and each of them reload once, at once.
  const joinRate = new JoinRate(o.joinsPerSourcePerSecond, Math.max(16, 2 * o.maxClientsPerSource));
  const registry = new RoomRegistry(ctx, (room) => {
    // A failing hook must not keep students out of the room: log it and go on.
    if (o.bots) guard(log, `built-in bots for room ${room.name}`, () => attachBuiltInBots(room));
    const hook = o.onRoomCreated;
    if (hook !== null) guard(log, `onRoomCreated for room ${room.name}`, () => hook(room));
  }, heldCodes);

  const clientEvents: ClientEvents = {
    closedForAbuse(c) {
      events.rateLimitCloses++;
      log(`closed ${c.info.hostname} (${c.info.address}): far above the rate limit for too long`);
    },
    gone(c) {
      clients.delete(c);
    },
  };

  function stats(): RelayStats {
    return buildStats(
      startedAt,
      new Date(),
      clients.size,
      global.snapshot(),
      events,
      httpCounters,
      registry.all().map((r) => r.snapshot()),
    );
  }

  const onRequest = createRequestHandler({ options: o, counters: httpCounters, startedAt, stats, isClosing: () => closing, log });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: o.maxPayload,
    perMessageDeflate: false, // frames are small and mostly incompressible; deflate would cost CPU and memory per client
    clientTracking: false, // the relay keeps its own set
  });

  function refuseUpgrade(socket: Duplex, status: number, text: string, reason: RefusalReason): void {
    events.refused[reason]++;
    const body = `${text}\n`;
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy()); // a reset during the handshake is not our problem
    if (refuseForeignHostUpgrade(req, socket, o, httpCounters)) return;
    const path = (req.url ?? '/').split('?')[0];
    if (path !== WS_PATH) return refuseUpgrade(socket, 404, 'Not Found', 'bad-path');
    // Refused at the handshake: a page from a foreign origin gets no WebSocket at all.
    if (!isOriginAllowed(req.headers.origin, req.headers.host, o.allowedOrigins)) {
      return refuseUpgrade(socket, 403, 'Forbidden', 'origin');
    }
    if (closing) return refuseUpgrade(socket, 503, 'Service Unavailable', 'shutting-down');
    // A full source is told why (4007, after the handshake) a few times, then refused cheaply.
    const source = sourceOf(req);
    const now = Date.now();
    if (!sources.allows(source)) {
      if (!sources.mayExplain(source, now)) return refuseUpgrade(socket, 429, 'Too Many Requests', 'source-full');
    } else if (!joinRate.tryJoin(source, now)) {
      return refuseUpgrade(socket, 429, 'Too Many Requests', 'join-rate');
    }
    wss.handleUpgrade(req, socket, head, (ws) => admit(ws, req));
  }

  /** Close a just-opened WebSocket with a code and reason a browser can show. */
  function refuse(ws: WebSocket, code: number, reason: string, why: RefusalReason): void {
    events.refused[why]++;
    ws.close(code, reason);
  }

  function admit(ws: WebSocket, req: IncomingMessage): void {
    let member: ClientMember | null = null;
    let room: Room | null = null;
    ws.on('error', (err: Error & { code?: string }) => {
      // ws closes the connection itself after these (1009, 1007, 1002); we only count.
      if (member === null || room === null) return;
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') room.countDrop(member, 'too-big');
      else if (err.code === 'WS_ERR_INVALID_UTF8') room.countDrop(member, 'bad-message');
    });
    const query = new URL(req.url ?? '/', 'http://relay').searchParams;
    const roomName = checkRoomName(query.get('room'));
    if (!roomName.ok) return refuse(ws, CloseCode.BAD_ROOM, roomName.reason, 'bad-room');
    const name = checkDisplayName(query.get('name'));
    if (!name.ok) return refuse(ws, CloseCode.BAD_NAME, name.reason, 'bad-name');
    const kind = parseListedKind(query.get('kind'));
    if (!kind.ok) return refuse(ws, CloseCode.BAD_KIND, kind.reason, 'bad-kind');
    if (closing) return refuse(ws, CloseCode.GOING_AWAY, CloseReason.GOING_AWAY, 'shutting-down');
    if (clients.size >= o.maxClients) return refuse(ws, CloseCode.RELAY_FULL, CloseReason.RELAY_FULL, 'relay-full');
    // One source may not take every slot (PROTOCOL.md §6, 4007).
    const source = sourceOf(req);
    if (!sources.allows(source)) return refuse(ws, CloseCode.SOURCE_FULL, CloseReason.SOURCE_FULL, 'source-full');
    const existing = registry.get(roomName.value);
    if (existing !== undefined && existing.clientCount >= o.maxClientsPerRoom) {
      return refuse(ws, CloseCode.ROOM_FULL, CloseReason.ROOM_FULL, 'room-full');
    }
    // The teacher role (PROTOCOL.md §2.3, teacher-codes.ts): the first client of a room nobody
    // holds, or whoever brings the room's code (held for a while after the room empties).
    const now = Date.now();
    const code = query.get('teacher');
    const creating = existing === undefined || existing.clientCount === 0;
    const bound = creating ? heldCodes.get(roomName.value, now) : existing.workshop.teacherCode;
    const decision = decideTeacher(
      code,
      bound,
      creating,
      () => codeAttempts.mayTry(source, now),
      (given) => bound !== null && teacherCodeMatches(given, bound),
    );
    // Counted apart from /stats `refused` (teacherCodeRefusals, teacherCodeRateLimited).
    if (!decision.ok) {
      if (decision.why === 'rate-limited') events.teacherCodeRateLimited++;
      else events.teacherCodeRefusals++;
      if (decision.why === 'wrong') codeAttempts.wrong(source, now);
      log(`refused a teacher code for room ${roomName.value} from ${source} (${decision.why})`);
      const reason =
        decision.why === 'weak' ? CloseReason.WEAK_TEACHER_CODE : decision.why === 'rate-limited' ? CloseReason.TEACHER_CODE_RATE_LIMIT : CloseReason.BAD_TEACHER_CODE;
      ws.close(CloseCode.BAD_TEACHER_CODE, reason);
      return;
    }
    const role = decision.role;
    // A student may not call itself by the teacher's names (protocol/names.ts).
    const studentName = role === 'student' ? checkDisplayName(name.value, 'student') : name;
    if (!studentName.ok) return refuse(ws, CloseCode.BAD_NAME, studentName.reason, 'bad-name');
    const r = registry.getOrCreate(roomName.value);
    room = r;
    // A held code, or one the creator chose, becomes the room's; otherwise it keeps its random one.
    if (creating && decision.roomCode !== null) r.workshop.adoptCode(decision.roomCode);
    member = r.join(name.value, kind.value, null, (id) => new ClientMember(ws, id, r, o, clientEvents), role);
    member.role = role;
    clients.add(member);
    sources.add(source);
    ws.once('close', () => sources.remove(source));
    events.joins++;
    member.attach();
  }

  const heartbeat =
    o.heartbeatMs > 0
      ? setInterval(() => {
          for (const c of clients) {
            if (!c.alive) {
              // No pong since the last ping: the tab is gone (laptop lid shut, network lost).
              events.heartbeatEvictions++;
              c.ws.terminate();
              continue;
            }
            c.alive = false;
            c.ws.ping();
          }
        }, o.heartbeatMs)
      : null;
  heartbeat?.unref();

  const server = createServer(httpServerOptions(o), onRequest);
  guardConnections(server, o, httpCounters, log);
  server.on('upgrade', onUpgrade);
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => {
      if (heartbeat !== null) clearInterval(heartbeat);
      reject(new Error(`relay cannot listen on ${o.host}:${o.port}: ${err.message}`, { cause: err }));
    };
    server.once('error', onError);
    server.listen(o.port, o.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (err) => log(`relay server error: ${err.message}`));

  const address = server.address() as AddressInfo;
  const urlHost = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
  let closed: Promise<void> | null = null;

  async function shutDown(): Promise<void> {
    closing = true;
    if (heartbeat !== null) clearInterval(heartbeat);
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const goodbyes = [...clients].map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.ws.readyState === c.ws.CLOSED) return resolve();
          c.ws.once('close', () => resolve());
          c.ws.close(CloseCode.GOING_AWAY, CloseReason.GOING_AWAY);
        }),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(goodbyes), new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)))]);
    clearTimeout(timer);
    for (const c of clients) c.ws.terminate();
    await registry.endAll();
    server.closeAllConnections();
    await serverClosed;
    wss.close();
  }

  return {
    port: address.port,
    url: `http://${urlHost.includes(':') ? `[${urlHost}]` : urlHost}:${address.port}/`,
    address: () => address,
    options: o,
    stats,
    room: (name) => registry.get(name),
    close() {
      closed ??= shutDown();
      return closed;
    },
  };
}

function guard(log: (line: string) => void, what: string, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    log(`${what} threw: ${(err as Error)?.stack ?? String(err)}`);
  }
}
