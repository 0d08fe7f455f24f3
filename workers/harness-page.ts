// Test and benchmark harness page (not part of the app): starts the endpoint worker exactly as
// the UI does, subscribes to its updates, and puts helpers on `window.harness` for Playwright
// (e2e/endpoint.test.ts, bench/browser.bench.ts). Bulk data is made, sent, received and hashed
// here in the page, so only hashes and counts travel back to the test.
import { proxy, transfer, wrap, type Remote } from 'comlink';
import type { EndpointApi, LinkState, TraceRecord, WorkerUpdate } from './api.ts';
import { encodePacket } from './tcp/wire/packet.ts';
import { parseIpv4Address } from './tcp/wire/address.ts';
import { Flag } from './tcp/wire/types.ts';
import { waitJoined as waitJoinedOn } from './wait-joined.ts';

const worker = new Worker(new URL('./endpoint.worker.ts', import.meta.url), { type: 'module' });
const api: Remote<EndpointApi> = wrap<EndpointApi>(worker);

/** Every record the subscription delivered, in order (the test checks nothing was lost). */
const records: TraceRecord[] = [];
let updates = 0;
let missed = 0;
let link: LinkState = { status: 'idle' };
let subscribed: Promise<number> | null = null;

function subscribe(): Promise<number> {
  subscribed ??= api.subscribe(
    proxy((u: WorkerUpdate) => {
      updates++;
      missed += u.missed;
      for (const r of u.records) records.push(r);
      if (u.link !== undefined) link = u.link;
    }),
  );
  return subscribed;
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const d = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Deterministic bytes (xorshift32): both ends of a test can make the same stream. */
function makeBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function value<T>(p: Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

const waitJoined = (timeoutMs?: number): Promise<LinkState> => waitJoinedOn(() => api.linkState(), timeoutMs);

/** Make `n` bytes, hash them, and hand them to writeAll (transferred, not copied). */
async function sendBytes(conn: number, n: number, seed: number): Promise<string> {
  const bytes = makeBytes(n, seed);
  const hash = await sha256(bytes);
  await value(api.writeAll(conn, transfer(bytes, [bytes.buffer])));
  return hash;
}

/** Auto-read a connection until EOF (or `expect` bytes), then hash what came. */
async function receiveBytes(conn: number, options: { expect?: number; collect?: boolean; timeoutMs?: number } = {}): Promise<{ length: number; hash: string | null; ms: number }> {
  const collect = options.collect ?? true;
  const started = performance.now();
  await value(api.autoRead(conn, { collect }));
  const chunks: Uint8Array[] = [];
  let total = 0;
  const until = started + (options.timeoutMs ?? 60_000);
  for (;;) {
    const r = await value(api.takeReceived(conn));
    if (r.data.length > 0) chunks.push(r.data);
    total = r.total;
    if (r.error !== null) throw new Error(`receive failed: ${r.error.code} ${r.error.message}`);
    if (r.eof || (options.expect !== undefined && total >= options.expect)) break;
    if (performance.now() > until) throw new Error(`receive timed out after ${total} bytes`);
    await sleep(5);
  }
  const ms = performance.now() - started;
  if (!collect) return { length: total, hash: null, ms };
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return { length: all.length, hash: await sha256(all), ms };
}

/** Wait until the trace subscription has delivered every record the worker has made so far. */
async function traceSettled(timeoutMs = 5_000): Promise<{ received: number; next: number; missed: number; contiguous: boolean }> {
  const until = performance.now() + timeoutMs;
  let info = await api.traceInfo();
  while (records.length + missed < info.next && performance.now() < until) {
    await sleep(20);
    info = await api.traceInfo();
  }
  const contiguous = records.every((r, i) => i === 0 || r.seq === (records[i - 1] as TraceRecord).seq + 1);
  return { received: records.length, next: info.next, missed, contiguous };
}

// ---- raw WebSocket, for the benchmark's baseline ---------------------------------------------

/** Wall-clock ms, comparable between the pages of one browser. */
const wall = (): number => performance.timeOrigin + performance.now();

interface RawSocket {
  ws: WebSocket;
  address: string;
  receivedBytes: number;
  firstAt: number;
  lastAt: number;
}

const raw: RawSocket[] = [];

/** A plain WebSocket in this page's main thread, joined to `room` (no TCP, no worker). */
async function rawOpen(url: string, room: string, name: string): Promise<{ index: number; address: string }> {
  const u = new URL(url);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.pathname = '/ws';
  u.search = `?room=${encodeURIComponent(room)}&name=${encodeURIComponent(name)}`;
  const ws = new WebSocket(u.toString());
  ws.binaryType = 'arraybuffer';
  const entry: RawSocket = { ws, address: '', receivedBytes: 0, firstAt: 0, lastAt: 0 };
  const address = await new Promise<string>((resolve, reject) => {
    ws.onmessage = (ev) => {
      if (typeof ev.data === 'string') {
        const m = JSON.parse(ev.data) as { type: string; address?: string };
        if (m.type === 'welcome' && m.address !== undefined) resolve(m.address);
        return;
      }
      const now = wall();
      if (entry.receivedBytes === 0) entry.firstAt = now;
      entry.lastAt = now;
      entry.receivedBytes += (ev.data as ArrayBuffer).byteLength;
    };
    ws.onclose = (ev) => reject(new Error(`raw socket closed: ${ev.code} ${ev.reason}`));
  });
  entry.address = address;
  raw.push(entry);
  return { index: raw.length - 1, address };
}

/**
 * Send `totalBytes` in frames of `frameSize` (valid IPv4+TCP packets, as the relay insists) from
 * raw socket `index` to address `dst`, keeping at most `window` bytes in the socket's buffer.
 */
async function rawBlast(index: number, dst: string, totalBytes: number, frameSize: number, window: number, timeoutMs: number): Promise<{ bytes: number; startedAt: number }> {
  const a = raw[index] as RawSocket;
  const frame = encodePacket(
    { src: parseIpv4Address(a.address) ?? 0, dst: parseIpv4Address(dst) ?? 0 },
    { srcPort: 9, dstPort: 9, seq: 0, ack: 0, flags: Flag.ACK, window: 0, urgent: 0, options: {}, payload: new Uint8Array(frameSize - 40) },
  ).slice();
  const startedAt = wall();
  let sent = 0;
  while (sent < totalBytes && wall() - startedAt < timeoutMs) {
    if (a.ws.bufferedAmount > window) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      continue;
    }
    a.ws.send(frame);
    sent += frame.length;
  }
  return { bytes: sent, startedAt };
}

/** Wait until raw socket `index` has received `expect` bytes (or the time is up). */
async function rawReceived(index: number, expect: number, timeoutMs: number): Promise<{ bytes: number; firstAt: number; lastAt: number }> {
  const e = raw[index] as RawSocket;
  const until = performance.now() + timeoutMs;
  while (e.receivedBytes < expect && performance.now() < until) await sleep(2);
  return { bytes: e.receivedBytes, firstAt: e.firstAt, lastAt: e.lastAt };
}

const harness = {
  api,
  transfer,
  records,
  subscribe,
  stats: () => ({ updates, missed, records: records.length, link }),
  sha256,
  makeBytes,
  sleep,
  waitJoined,
  sendBytes,
  receiveBytes,
  traceSettled,
  rawOpen,
  rawBlast,
  rawReceived,
  wall,
};

declare global {
  interface Window {
    harness: typeof harness;
  }
}

window.harness = harness;
document.title = 'endpoint harness ready';
