// Relay benchmark: `npx tsx bench/relay.bench.ts` (or `npm run bench relay`).
//
// 1. Forwarding rate: two ws clients exchange valid 1500-byte IPv4+TCP frames through the relay,
//    and, in the same run with the same clients, through a bare ws forwarder written here that
//    checks nothing. The clients live in a child process so the forwarder under test has this
//    process (and one of the machine's cores) to itself, as a relay on a teacher's laptop would.
//    The sender keeps a fixed window of frames in flight, so neither forwarder ever drops: the
//    figure is delivered frames per second.
// 2. Idle memory: rss and heap growth of this process after 1,000 clients joined (25 rooms of 40,
//    a big workshop) and sat idle.
//
// Only 127.0.0.1 is used, every phase has a time bound, and the whole run takes ~25 s.
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { WebSocket, WebSocketServer } from 'ws';
import { createRelay } from '../relay/relay.ts';
import { ClientMember } from '../relay/client.ts';
import { DEFAULTS } from '../relay/options.ts';
import { Room } from '../relay/rooms.ts';
import { Traffic } from '../relay/traffic.ts';
import { encodePacket } from '../workers/tcp/wire/packet.ts';
import { Flag } from '../workers/tcp/wire/types.ts';

// Short rounds, alternated, best of each: other work on the machine can only slow a round down,
// so the best round is the closest to what each forwarder can do.
const ROUND_SECONDS = 1;
const ROUNDS = 8;
const WINDOW = 128; // frames in flight: 192 kB, under the relay's default 512 KiB receiver queue
const IDLE_CLIENTS = 1000;
const ROOM_SIZE = 40;

type ToChild =
  | { type: 'forward'; url: string; relay: boolean; seconds: number }
  | { type: 'idle'; url: string; count: number; roomSize: number }
  | { type: 'idle-close' };
type ToParent =
  | { type: 'forwarded'; frames: number; seconds: number; totalFrames: number }
  | { type: 'idle-ready' }
  | { type: 'idle-closed' };

// ---------------------------------------------------------------- child: the clients

function frame1500(): Uint8Array {
  const payload = new Uint8Array(1460).fill(0x5a);
  return encodePacket(
    { src: 0x0a000101, dst: 0x0a000102 }, // 10.0.1.1 → 10.0.1.2: what the relay assigns A and B
    { srcPort: 40000, dstPort: 9, seq: 1, ack: 1, flags: Flag.ACK, window: 65535, urgent: 0, options: {}, payload },
  );
}

function open(url: string, waitWelcome: boolean): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    // A zero mask lets ws skip masking on the client side: client CPU is not what is measured,
    // and both forwarders get exactly the same bytes.
    const ws = new WebSocket(url, { perMessageDeflate: false, generateMask: (mask) => void mask.fill(0) });
    ws.once('error', reject);
    if (!waitWelcome) ws.once('open', () => resolve(ws));
    else ws.once('message', () => resolve(ws)); // the first message is the welcome
  });
}

async function forward(url: string, relay: boolean, seconds: number): Promise<ToParent> {
  const q = (name: string): string => (relay ? `${url}?room=bench&name=${name}` : url);
  const a = await open(q('a'), relay);
  const b = await open(q('b'), relay);
  const frame = frame1500();
  let sent = 0;
  let received = 0;
  let measuring = false;
  let counted = 0;
  let stopped = false;
  const pump = (): void => {
    while (!stopped && sent - received < WINDOW) {
      a.send(frame);
      sent++;
    }
  };
  b.on('message', (_data, isBinary) => {
    if (!isBinary) return;
    received++;
    if (measuring) counted++;
    if (sent - received <= WINDOW / 2) pump();
  });
  pump();
  await new Promise((r) => setTimeout(r, 300)); // warm up the JIT on both sides
  measuring = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  const elapsed = (performance.now() - t0) / 1000;
  const frames = counted;
  stopped = true;
  // Let the frames in flight arrive before closing, so none is dropped for a receiver gone.
  const drainBy = Date.now() + 2000;
  while (received < sent && Date.now() < drainBy) await new Promise((r) => setTimeout(r, 5));
  for (const ws of [a, b]) await new Promise((r) => (ws.once('close', r), ws.close()));
  return { type: 'forwarded', frames, seconds: elapsed, totalFrames: received };
}

const idle: WebSocket[] = [];
async function openIdle(url: string, count: number, roomSize: number): Promise<ToParent> {
  for (let i = 0; i < count; i += 50) {
    const batch = [];
    for (let j = i; j < Math.min(count, i + 50); j++) {
      batch.push(open(`${url}?room=room${Math.floor(j / roomSize)}&name=student${j}`, true));
    }
    idle.push(...(await Promise.all(batch)));
  }
  return { type: 'idle-ready' };
}

function child(): void {
  process.on('message', (m: ToChild) => {
    const reply = (p: Promise<ToParent>): void => {
      p.then((r) => process.send!(r)).catch((err: unknown) => {
        console.error(err);
        process.exit(1);
      });
    };
    if (m.type === 'forward') reply(forward(m.url, m.relay, m.seconds));
    else if (m.type === 'idle') reply(openIdle(m.url, m.count, m.roomSize));
    else {
      for (const ws of idle) ws.terminate();
      reply(Promise.resolve({ type: 'idle-closed' }));
    }
  });
}

// ---------------------------------------------------------------- parent: the forwarders

function ask(c: ChildProcess, m: ToChild, timeoutMs: number): Promise<ToParent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bench child did not answer ${m.type} in ${timeoutMs} ms`)), timeoutMs);
    c.once('message', (r: ToParent) => {
      clearTimeout(timer);
      resolve(r);
    });
    c.send(m);
  });
}

/** The baseline: pass every message to the other client, no checks, no counting. */
async function startBare(): Promise<{ url: string; close(): Promise<void> }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false, maxPayload: 65536 });
  await new Promise((r) => wss.once('listening', r));
  const peers: WebSocket[] = [];
  wss.on('connection', (ws) => {
    peers.push(ws);
    ws.on('close', () => peers.splice(peers.indexOf(ws), 1));
    ws.on('message', (data, isBinary) => {
      const other = peers[0] === ws ? peers[1] : peers[0];
      other?.send(data as Buffer, { binary: isBinary });
    });
  });
  const port = (wss.address() as { port: number }).port;
  return { url: `ws://127.0.0.1:${port}/`, close: () => new Promise((r) => wss.close(() => r())) };
}

function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = (globalThis as { gc?: () => void }).gc ?? (runInNewContext('gc') as () => void);
  return () => {
    gc();
    gc();
  };
}

/** A stand-in for a ws WebSocket: open, never backed up, sends go nowhere. */
class NullSocket extends EventEmitter {
  readyState = 1;
  bufferedAmount = 0;
  readonly CLOSED = 3;
  sent = 0;
  send(_data: Uint8Array, _options?: object): void {
    this.sent++;
  }
}

/**
 * The relay's own per-frame work with the network taken out: a frame handed to a client's
 * message handler is rate limited, counted, checked, routed and given to the receiver's send.
 * The same loop through a bare forwarding listener gives the cost of the harness itself.
 */
function hotPath(): { relayNs: number; bareNs: number } {
  const N = 2_000_000;
  const frame = Buffer.from(frame1500());
  const room = new Room('bench', {
    mtu: 1500,
    maxQueuedBytes: DEFAULTS.maxQueuedBytes,
    limits: {
      framesPerSecond: DEFAULTS.framesPerSecond,
      frameBurst: DEFAULTS.frameBurst,
      bytesPerSecond: DEFAULTS.bytesPerSecond,
      byteBurst: DEFAULTS.byteBurst,
      maxPayload: DEFAULTS.maxPayload,
      maxQueuedBytes: DEFAULTS.maxQueuedBytes,
      heartbeatMs: DEFAULTS.heartbeatMs,
    },
    global: new Traffic(),
    log: () => {},
    openTap: () => null,
  });
  const settings = { ...DEFAULTS, framesPerSecond: 1e12, frameBurst: 1e12, bytesPerSecond: 1e15, byteBurst: 1e15 };
  const events = { closedForAbuse: () => {}, gone: () => {} };
  const sockets = [new NullSocket(), new NullSocket()];
  for (const [i, ws] of sockets.entries()) {
    const m = room.join(`h${i}`, 'client', null, (id) => new ClientMember(ws as unknown as WebSocket, id, room, settings, events));
    m.attach();
  }
  const [a, b] = sockets as [NullSocket, NullSocket];
  const sentBefore = b.sent; // its welcome
  const bareA = new NullSocket();
  const bareB = new NullSocket();
  bareA.on('message', (data: Buffer, isBinary: boolean) => bareB.send(data, { binary: isBinary }));
  const time = (emitter: NullSocket): number => {
    for (let i = 0; i < N / 10; i++) emitter.emit('message', frame, true); // warm up
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) emitter.emit('message', frame, true);
    return Number(process.hrtime.bigint() - t0) / N;
  };
  const bareNs = Math.min(time(bareA), time(bareA));
  const relayNs = Math.min(time(a), time(a));
  const delivered = b.sent - sentBefore;
  if (delivered !== (N + N / 10) * 2) throw new Error(`hot path: ${delivered} frames delivered, expected ${(N + N / 10) * 2}`);
  return { relayNs, bareNs };
}

async function parent(): Promise<void> {
  const deadline = setTimeout(() => {
    console.error('relay bench: over its time limit, stopping');
    process.exit(1);
  }, 55_000);
  const gc = collectGarbage();
  const relay = await createRelay({
    port: 0,
    host: '127.0.0.1',
    staticDir: null,
    bots: false,
    log: () => {},
    // Limits high enough not to shape the measurement, but all checks still run.
    framesPerSecond: 1e9,
    frameBurst: 1e9,
    bytesPerSecond: 1e12,
    byteBurst: 1e12,
    maxClients: IDLE_CLIENTS + 10,
    maxClientsPerRoom: ROOM_SIZE + 10,
    maxClientsPerSource: IDLE_CLIENTS + 10, // every bench client comes from 127.0.0.1
  });
  const bare = await startBare();
  const tsx = import.meta.resolve('tsx');
  const c = fork(fileURLToPath(import.meta.url), ['--clients'], { execArgv: ['--import', tsx], stdio: 'inherit' });
  try {
    const relayUrl = `ws://127.0.0.1:${relay.port}/ws`;
    const hot = hotPath();
    const best = { relay: 0, bare: 0 };
    // CPU time this process spends per forwarded frame: unlike frames/s it hardly changes when
    // other programs compete for the machine, so it is the steadier comparison.
    const cpuPerFrame = { relay: Infinity, bare: Infinity };
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which goes first, so neither always runs right after the other's teardown.
      for (const which of round % 2 === 0 ? (['bare', 'relay'] as const) : (['relay', 'bare'] as const)) {
        const cpu0 = process.cpuUsage();
        const r = await ask(c, { type: 'forward', url: which === 'relay' ? relayUrl : bare.url, relay: which === 'relay', seconds: ROUND_SECONDS }, 10_000);
        const cpu = process.cpuUsage(cpu0);
        if (r.type !== 'forwarded') throw new Error('unexpected answer');
        best[which] = Math.max(best[which], r.frames / r.seconds);
        cpuPerFrame[which] = Math.min(cpuPerFrame[which], (cpu.user + cpu.system) / r.totalFrames);
      }
    }
    const s = relay.stats();
    if (s.traffic.droppedTotal !== 0) throw new Error(`the relay dropped frames during the bench: ${JSON.stringify(s.traffic.dropped)}`);
    console.log(`relay-forward: ${Math.round(best.relay)} frames/s (${(best.relay / best.bare).toFixed(2)}x bare ws)`);
    console.log(`bare-ws-forward: ${Math.round(best.bare)} frames/s`);
    console.log(
      `relay-forward-cpu: ${cpuPerFrame.relay.toFixed(2)} us/frame ` +
        `(bare ws ${cpuPerFrame.bare.toFixed(2)} us/frame: capacity ${(cpuPerFrame.bare / cpuPerFrame.relay).toFixed(2)}x bare ws)`,
    );
    console.log(
      `relay-hot-path: ${Math.max(0, hot.relayNs - hot.bareNs).toFixed(0)} ns/frame of checks and routing ` +
        `(${hot.relayNs.toFixed(0)} ns through the handler, ${hot.bareNs.toFixed(0)} ns for a bare forwarding listener; no I/O)`,
    );

    gc();
    const before = process.memoryUsage();
    const ready = await ask(c, { type: 'idle', url: relayUrl, count: IDLE_CLIENTS, roomSize: ROOM_SIZE }, 30_000);
    if (ready.type !== 'idle-ready') throw new Error('unexpected answer');
    if (relay.stats().clients !== IDLE_CLIENTS) throw new Error(`expected ${IDLE_CLIENTS} clients, relay has ${relay.stats().clients}`);
    await new Promise((r) => setTimeout(r, 200));
    gc();
    const after = process.memoryUsage();
    const MiB = 1024 * 1024;
    console.log(
      `relay-idle-memory: ${((after.rss - before.rss) / MiB).toFixed(1)} MiB for ${IDLE_CLIENTS} clients ` +
        `(heap ${((after.heapUsed - before.heapUsed) / MiB).toFixed(1)} MiB)`,
    );
    await ask(c, { type: 'idle-close' }, 10_000);
  } finally {
    c.kill();
    await bare.close();
    await relay.close();
    clearTimeout(deadline);
  }
}

if (process.argv.includes('--clients')) child();
else
  parent().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
