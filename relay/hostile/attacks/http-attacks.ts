// Attacks on the relay's HTTP side (issue 14, items 6, 8, 10 and 11), each bounded in count and
// time. Raw node:http and node:net clients, so the source address, the method and the bytes on
// the wire are ours to choose.
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import { RawClient, sleep } from '../raw-client.ts';
import { attackerSource, type Target } from './target.ts';

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request; `status` 0 when the connection failed or took longer than `timeoutMs`. */
export function httpRequest(
  base: string,
  path: string,
  o: { method?: string; headers?: Record<string, string>; localAddress?: string; agent?: Agent; timeoutMs?: number } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve) => {
    const req = request(
      `${base}${path}`,
      { method: o.method ?? 'GET', headers: o.headers ?? {}, ...(o.localAddress === undefined ? {} : { localAddress: o.localAddress }), ...(o.agent === undefined ? {} : { agent: o.agent }) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', () => resolve({ status: 0, headers: {}, body: '' }));
      },
    );
    req.setTimeout(o.timeoutMs ?? 5000, () => req.destroy());
    req.on('error', () => resolve({ status: 0, headers: {}, body: '' }));
    req.end();
  });
}

/** A request written as raw bytes; the status line's code, or 0 when none came. */
export function rawHttp(port: number, bytes: string, timeoutMs = 3000): Promise<number> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    const done = (): void => {
      clearTimeout(timer);
      s.destroy();
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(got);
      resolve(m ? Number(m[1]) : 0);
    };
    const timer = setTimeout(done, timeoutMs);
    s.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (got.includes('\r\n')) done();
    });
    s.on('error', done);
    s.on('close', done);
    s.write(bytes);
  });
}

export interface StatsHammerResult {
  requests: number;
  statuses: Record<string, number>;
  /** The largest answer body (bytes): per-room detail makes it big. */
  largestBody: number;
  /** Times the relay computed /stats, where it says (relay.stats().http.statsRenders). */
  renders: number | null;
}

/** Rooms full of idle clients, so that a full /stats is a big one; opened before the attack. */
export interface FilledRooms {
  rooms: number;
  clients: RawClient[];
  close(): Promise<void>;
}

/** 20 rooms of 10 idle clients (each room also has its 5 bots), each client from its own address. */
export async function fillRooms(t: Target, o: { rooms?: number; perRoom?: number } = {}): Promise<FilledRooms> {
  const clients: RawClient[] = [];
  const rooms = o.rooms ?? 20;
  const perRoom = o.perRoom ?? 10;
  for (let r = 0; r < rooms; r++) {
    const joined = await Promise.all(
      Array.from({ length: perRoom }, (_, i) => RawClient.join(t.wsBase, `big-${r}`, `student ${i}`, { localAddress: attackerSource(300 + r * perRoom + i) })),
    );
    for (const j of joined) if (j.ok) clients.push(j.client);
  }
  return { rooms, clients, close: () => Promise.all(clients.map((c) => c.close())).then(() => {}) };
}

function statsRenders(s: unknown): number | null {
  return (s as { http?: { statsRenders?: number } }).http?.statsRenders ?? null;
}

/** Item 6: 20 fetchers in parallel GET /stats without a token, back to back, for `seconds`. */
export async function statsHammer(t: Target, o: { fetchers?: number; seconds?: number } = {}): Promise<StatsHammerResult> {
  const rendersBefore = statsRenders(await t.stats());
  const res: StatsHammerResult = { requests: 0, statuses: {}, largestBody: 0, renders: null };
  const until = Date.now() + (o.seconds ?? 6) * 1000;
  const agent = new Agent({ keepAlive: true, maxSockets: o.fetchers ?? 20 });
  const source = attackerSource(90);
  await Promise.all(
    Array.from({ length: o.fetchers ?? 20 }, async () => {
      while (Date.now() < until) {
        const a = await httpRequest(t.httpUrl, '/stats', { agent, localAddress: source });
        res.requests++;
        res.statuses[a.status] = (res.statuses[a.status] ?? 0) + 1;
        res.largestBody = Math.max(res.largestBody, Buffer.byteLength(a.body));
        if (a.status === 0) await sleep(50);
      }
    }),
  );
  agent.destroy();
  const rendersAfter = statsRenders(await t.stats());
  res.renders = rendersBefore === null || rendersAfter === null ? null : rendersAfter - rendersBefore;
  return res;
}

export interface SlowlorisResult {
  opened: number;
  /** Sockets the relay closed (or refused) before the attack ended. */
  closedByRelay: number;
  /** Sockets still open at the end: what the attacker holds. */
  heldAtEnd: number;
}

/**
 * Item 8b: slowloris. One address opens up to `count` sockets (100 at a time) and on each sends
 * the start of a request, then one more header line a second, never finishing, for `seconds`.
 */
export async function slowloris(t: Target, o: { count?: number; seconds?: number } = {}): Promise<SlowlorisResult> {
  const port = Number(new URL(t.httpUrl).port);
  const source = attackerSource(91);
  const sockets: { s: Socket; closed: boolean }[] = [];
  const until = Date.now() + (o.seconds ?? 8) * 1000;
  const count = o.count ?? 2000;
  while (sockets.length < count && Date.now() < until) {
    const batch = Array.from({ length: Math.min(100, count - sockets.length) }, () => {
      const entry = { s: connect({ port, host: '127.0.0.1', localAddress: source }), closed: false };
      entry.s.on('error', () => {});
      entry.s.on('close', () => (entry.closed = true));
      entry.s.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      return entry;
    });
    sockets.push(...batch);
    await sleep(20);
  }
  let line = 0;
  while (Date.now() < until) {
    await sleep(1000);
    line++;
    for (const e of sockets) if (!e.closed) e.s.write(`X-Slow-${line}: still typing\r\n`);
  }
  await sleep(200);
  const r: SlowlorisResult = { opened: sockets.length, closedByRelay: sockets.filter((e) => e.closed).length, heldAtEnd: sockets.filter((e) => !e.closed).length };
  for (const e of sockets) e.s.destroy();
  return r;
}

export interface SymlinkResult {
  /** Path → status and whether the answer carried the secret. */
  answers: Record<string, { status: number; leaked: boolean }>;
  leaks: number;
  /** A plain file in the static root, to show the files are served at all. */
  indexStatus: number;
}

/** Item 10: ask for files through symbolic links that lead out of the static and packs roots. */
export async function symlinkEscape(t: Target, o: { secret: string; paths: string[] }): Promise<SymlinkResult> {
  const r: SymlinkResult = { answers: {}, leaks: 0, indexStatus: (await httpRequest(t.httpUrl, '/index.html')).status };
  for (const path of o.paths) {
    const a = await httpRequest(t.httpUrl, path);
    const leaked = a.body.includes(o.secret);
    r.answers[path] = { status: a.status, leaked };
    if (leaked) r.leaks++;
  }
  return r;
}

export interface HeadersMethodsResult {
  /** "METHOD path" → status, for every method the relay must not serve. */
  methods: Record<string, number>;
  /** Answers that were not 405 with an Allow header. */
  methodsServed: string[];
  /** path → the security headers missing from its answer. */
  missingHeaders: Record<string, string[]>;
  oversizedHead: number;
  garbage: number;
}

/** Headers every answer must carry (issue 14 item 11). */
const REQUIRED_HEADERS: [string, (v: string) => boolean][] = [
  ['x-content-type-options', (v) => v.toLowerCase() === 'nosniff'],
  ['content-security-policy', (v) => /frame-ancestors 'none'/.test(v)],
  ['x-frame-options', (v) => v.toUpperCase() === 'DENY'],
];

/**
 * Item 11: every method but GET and HEAD on every route, the security headers of every kind of
 * answer, a 64 KiB request head and a request line that is not HTTP.
 */
export async function headersMethods(t: Target): Promise<HeadersMethodsResult> {
  const paths = ['/', '/index.html', '/stats', '/healthz', '/ws', '/no-such-file', '/packs/'];
  const r: HeadersMethodsResult = { methods: {}, methodsServed: [], missingHeaders: {}, oversizedHead: 0, garbage: 0 };
  for (const path of paths) {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE']) {
      const a = await httpRequest(t.httpUrl, path, { method });
      r.methods[`${method} ${path}`] = a.status;
      if (a.status !== 405 || a.headers.allow === undefined) r.methodsServed.push(`${method} ${path} → ${a.status}`);
    }
    const g = await httpRequest(t.httpUrl, path);
    const missing = REQUIRED_HEADERS.filter(([name, ok]) => {
      const v = g.headers[name];
      return typeof v !== 'string' || !ok(v);
    }).map(([name]) => name);
    if (missing.length > 0) r.missingHeaders[`${path} (${g.status})`] = missing;
  }
  const port = Number(new URL(t.httpUrl).port);
  r.oversizedHead = await rawHttp(port, `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
  r.garbage = await rawHttp(port, 'HELLO THERE\r\n\r\n');
  return r;
}
