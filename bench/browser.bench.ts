// Bulk TCP between two endpoint workers in one headless Chromium, through a local relay, against
// the raw WebSocket throughput between the same two pages through the same relay (frames of the
// same size, no TCP) measured in the same run.
//
//   npx tsx bench/browser.bench.ts      → browser-tcp: N MB/s (R x raw ws)
//
// Only 127.0.0.1; every phase has a time limit, and the whole run stops by itself in ~2 minutes
// at most. MB = 10^6 bytes.
import { rmSync } from 'node:fs';
import { BareBrowser, type BarePage } from './support/bare-chromium.ts';
import { createRelay, type Relay } from '../relay/relay.ts';
import { buildHarness } from '../workers/harness-build.ts';
import { runBench } from './support/run-bench.ts';

const MiB = 1024 * 1024;
const TCP_BYTES = Number(process.env.BENCH_TCP_MIB ?? 48) * MiB;
const RAW_BYTES = Number(process.env.BENCH_RAW_MIB ?? 64) * MiB;
const FRAME = 1500; // a full-sized segment: 1448 bytes of data + 32 of TCP header (timestamps) + 20 of IPv4
const PHASE_LIMIT_MS = 30_000;
const HARD_LIMIT_MS = 120_000;

async function openPage(browser: BareBrowser, relay: Relay): Promise<BarePage> {
  const page = await browser.newPage(`${relay.url}index.html`);
  await page.waitFor('window.harness !== undefined');
  return page;
}

async function join(page: BarePage, name: string): Promise<string> {
  return page.call(async (name) => {
    const h = window.harness;
    const r = await h.api.join({ url: location.origin + '/', room: 'bench', name, seed: name.length });
    if (!r.ok) throw new Error(r.error.message);
    const s = await h.waitJoined();
    return s.status === 'joined' ? s.address : '';
  }, name);
}

/**
 * Raw WebSocket frames from page a to page b through the relay: a plain socket in each page's
 * main thread, the sender keeping at most 1 MiB buffered. Timed from the sender's start to the
 * receiver's last frame.
 */
async function rawThroughput(a: BarePage, b: BarePage, nameA: string, nameB: string): Promise<{ mbps: number; bytes: number; ms: number }> {
  const from = await a.call((name) => window.harness.rawOpen(location.origin + '/', 'bench', name), nameA);
  const to = await b.call((name) => window.harness.rawOpen(location.origin + '/', 'bench', name), nameB);
  const sent = await a.call(
    ({ index, dst, total, frame, win, limit }) => window.harness.rawBlast(index, dst, total, frame, win, limit),
    { index: from.index, dst: to.address, total: RAW_BYTES, frame: FRAME, win: 1 * MiB, limit: PHASE_LIMIT_MS },
  );
  const got = await b.call(({ index, expect }) => window.harness.rawReceived(index, expect, 10_000), { index: to.index, expect: sent.bytes });
  const ms = got.lastAt - sent.startedAt;
  return { mbps: got.bytes / 1e6 / (ms / 1000), bytes: got.bytes, ms };
}

async function tcpThroughput(a: BarePage, b: BarePage, addrB: string): Promise<{ mbps: number; bytes: number; ms: number }> {
  await b.call(async () => {
    const r = await window.harness.api.listen(5001);
    if (!r.ok) throw new Error(r.error.message);
  });
  const conn = await a.call(async (dst) => {
    const r = await window.harness.api.connect({ remoteAddr: dst, remotePort: 5001 });
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  }, addrB);
  const accepted = await b.call(async () => {
    for (let i = 0; i < 500; i++) {
      const r = await window.harness.api.accept(5001);
      if (r.ok && r.value !== null) return r.value;
      await window.harness.sleep(10);
    }
    throw new Error('no connection to accept');
  });
  // Receiver: auto-read without keeping the bytes; it reports when all have arrived (wall clock).
  const receiving = b.call(
    async ({ conn, n, limit }) => {
      const r = await window.harness.receiveBytes(conn, { expect: n, collect: false, timeoutMs: limit });
      return { bytes: r.length, doneAt: window.harness.wall() };
    },
    { conn: accepted, n: TCP_BYTES, limit: PHASE_LIMIT_MS },
  );
  const startedAt = await a.call(
    async ({ conn, n }) => {
      const data = new Uint8Array(n);
      const startedAt = window.harness.wall();
      const r = await window.harness.api.writeAll(conn, window.harness.transfer(data, [data.buffer]));
      if (!r.ok) throw new Error(r.error.message);
      return startedAt;
    },
    { conn, n: TCP_BYTES },
  );
  const got = await receiving;
  const ms = got.doneAt - startedAt;
  const st = await a.call(async (conn) => window.harness.api.status(conn), conn);
  if (st.ok) console.log(`sender at the end: srtt ${st.value.srtt?.toFixed(1)} ms, cwnd ${st.value.cwnd}, snd.wnd ${st.value.sndWnd}, retransmits ${st.value.retransmits}`);
  return { mbps: got.bytes / 1e6 / (ms / 1000), bytes: got.bytes, ms };
}

async function main(): Promise<void> {
  const dir = await buildHarness();
  const relay = await createRelay({
    port: 0,
    host: '127.0.0.1',
    staticDir: dir,
    bots: false,
    heartbeatMs: 0,
    log: () => {},
    bytesPerSecond: 1e12,
    byteBurst: 1e12,
    framesPerSecond: 1e9,
    frameBurst: 1e9,
    maxQueuedBytes: 16 * MiB,
  });
  // A bare DevTools connection, not Playwright: its network tracking would copy every WebSocket
  // frame of both measurements to this process (support/bare-chromium.ts).
  const browser = await BareBrowser.launch();
  try {
    const a = await openPage(browser, relay);
    const b = await openPage(browser, relay);
    await join(a, 'bench-a');
    const addrB = await join(b, 'bench-b');
    // Raw before and after the TCP run, averaged: the figure drifts a little as the browser warms up.
    const raw1 = await rawThroughput(a, b, 'raw-a1', 'raw-b1');
    const tcp = await tcpThroughput(a, b, addrB);
    const raw2 = await rawThroughput(a, b, 'raw-a2', 'raw-b2');
    const rawMbps = (raw1.mbps + raw2.mbps) / 2;
    const stats = relay.stats();
    console.log(
      `raw ws: ${(raw1.bytes / MiB).toFixed(0)} MiB at ${raw1.mbps.toFixed(1)} MB/s, then at ${raw2.mbps.toFixed(1)} MB/s; ` +
        `tcp: ${(tcp.bytes / MiB).toFixed(0)} MiB in ${(tcp.ms / 1000).toFixed(2)} s; relay drops ${stats.traffic.droppedTotal}`,
    );
    console.log(`browser-tcp: ${tcp.mbps.toFixed(1)} MB/s (${(tcp.mbps / rawMbps).toFixed(2)} x raw ws)`);
  } finally {
    await browser.close();
    await relay.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

runBench('browser', HARD_LIMIT_MS, main);
