// The endpoint worker in Debian's Chromium against a real relay (relay/relay.ts, in-process):
// two pages, each with its own worker, join one room and talk TCP through the relay.
// The page and the worker are built with Vite's build API (workers/harness-build.ts) into a
// temporary directory that the relay serves as its static root, so page and WebSocket share one
// origin, as in production.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type Page } from '@playwright/test';
import { launchChromium } from './support/browser.ts';
import { createRelay, type Relay } from '../relay/relay.ts';
import { buildHarness } from '../workers/harness-build.ts';
import { FAULT_KINDS } from '../workers/tcp/sim/faults.ts';
import type { FaultStatus, TraceRecord } from '../workers/api.ts';

const MiB = 1024 * 1024;

let dir = '';
let relay: Relay;
let browser: Browser;

beforeAll(async () => {
  dir = await buildHarness();
  relay = await createRelay({
    port: 0,
    host: '127.0.0.1',
    staticDir: dir,
    bots: false,
    heartbeatMs: 0,
    log: () => {},
    // The defaults (2 MiB/s per client) are for classrooms; here one test moves 2 MiB at full speed.
    bytesPerSecond: 1e9,
    byteBurst: 64 * MiB,
    framesPerSecond: 1e6,
    frameBurst: 1e6,
    maxQueuedBytes: 8 * MiB,
  });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await relay?.close();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

async function openJoined(room: string, name: string, seed: number): Promise<{ page: Page; address: string }> {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error(`[${name}] page error: ${e.message}`));
  await page.goto(`${relay.url}index.html`);
  await page.waitForFunction(() => window.harness !== undefined);
  const address = await page.evaluate(
    async ({ room, name, seed }) => {
      const h = window.harness;
      await h.subscribe();
      const r = await h.api.join({ url: location.origin + '/', room, name, seed });
      if (!r.ok) throw new Error(r.error.message);
      const s = await h.waitJoined();
      return s.status === 'joined' ? s.address : '';
    },
    { room, name, seed },
  );
  return { page, address };
}

/** Run an API call in the page and return its value, failing the test with the API's message. */
async function call<T>(page: Page, fn: (api: Window['harness']['api']) => Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const r = await page.evaluate(`(${fn.toString()})(window.harness.api)`);
  const res = r as { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
  if (!res.ok) throw new Error(`${res.error.code}: ${res.error.message}`);
  return res.value;
}

async function accepted(page: Page, port: number, timeoutMs = 15_000): Promise<number> {
  return page.evaluate(
    async ({ port, timeoutMs }) => {
      const until = performance.now() + timeoutMs;
      for (;;) {
        const r = await window.harness.api.accept(port);
        if (!r.ok) throw new Error(r.error.message);
        if (r.value !== null) return r.value;
        if (performance.now() > until) throw new Error('nothing to accept');
        await window.harness.sleep(20);
      }
    },
    { port, timeoutMs },
  );
}

const records = (page: Page): Promise<TraceRecord[]> => page.evaluate(() => window.harness.records.map((r) => ({ ...r, event: { ...r.event, bytes: undefined, seg: undefined } }) as unknown as TraceRecord));

describe('endpoint worker in Chromium through a real relay', () => {
  it('moves 1 MiB each way intact under 10% loss and reordering, and traces every injected fault', async () => {
    const a = await openJoined('xfer', 'Ana', 101);
    const b = await openJoined('xfer', 'Bo', 202);
    expect(a.address).toMatch(/^10\.0\.1\.\d+$/);
    expect(b.address).not.toBe(a.address);
    for (const p of [a.page, b.page]) {
      await call(p, (api) => api.setFaults('out', { loss: 0.1, reorder: 0.1, reorderGap: 3, reorderTimeout: 50 }));
    }
    await call(b.page, (api) => api.listen(80));
    const ca = await a.page.evaluate(async (dst) => {
      const r = await window.harness.api.connect({ remoteAddr: dst, remotePort: 80 });
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    }, b.address);
    const cb = await accepted(b.page, 80);

    const started = Date.now();
    const exchange = (p: Page, conn: number, seed: number) =>
      p.evaluate(
        async ({ conn, seed, n }) => {
          const h = window.harness;
          const receiving = h.receiveBytes(conn, { expect: n, timeoutMs: 60_000 });
          const sent = await h.sendBytes(conn, n, seed);
          const got = await receiving;
          return { sent, got };
        },
        { conn, seed, n: MiB },
      );
    const [ra, rb] = await Promise.all([exchange(a.page, ca, 1), exchange(b.page, cb, 2)]);
    const seconds = (Date.now() - started) / 1000;
    expect(rb.got.length).toBe(MiB);
    expect(ra.got.length).toBe(MiB);
    expect(rb.got.hash).toBe(ra.sent);
    expect(ra.got.hash).toBe(rb.sent);
    console.log(`1 MiB each way with 10% loss + reordering on both hosts: ${seconds.toFixed(1)} s`);

    // The connections stay open and still send (ACKs, window updates): with the faults on, one
    // could be lost between reading the counters and reading the trace. Off first (the counters
    // stay), and time for a packet held for reordering to be released (reorderTimeout 50 ms).
    for (const p of [a.page, b.page]) await call(p, (api) => api.setFaults('out', { loss: 0, reorder: 0 }));
    await new Promise((r) => setTimeout(r, 300));
    for (const p of [a.page, b.page]) {
      const settled = await p.evaluate(() => window.harness.traceSettled());
      // The subscription delivered every record the worker made, in order, none missed.
      expect(settled.missed).toBe(0);
      expect(settled.contiguous).toBe(true);
      expect(settled.received).toBe(settled.next);
      const status = await call<FaultStatus>(p, (api) => api.faultStatus());
      const faults = (await records(p)).flatMap((r) => (r.event.type === 'fault' ? [r.event] : []));
      for (const kind of FAULT_KINDS) {
        // One event per counted fault; a reordered packet also gets a 'released' event.
        const traced = faults.filter((f) => f.fault === kind && !(kind === 'reorder' && f.detail.startsWith('released'))).length;
        expect(traced, kind).toBe(status.out.counters[kind] + status.in.counters[kind]);
      }
      expect(status.out.counters.loss).toBeGreaterThan(50);
      expect(status.out.counters.reorder).toBeGreaterThan(50);
      const dropped = status.out.counters.loss;
      expect(Math.abs(dropped / status.out.counters.processed - 0.1)).toBeLessThan(0.03);
    }
    await Promise.all([a.page.close(), b.page.close()]);
  }, 80_000);

  it('holds both SYNs and releases them together: a simultaneous open through SYN-RECEIVED', async () => {
    const a = await openJoined('simopen', 'Ana', 1);
    const b = await openJoined('simopen', 'Bo', 2);
    for (const p of [a.page, b.page]) await call(p, (api) => api.setHold(true));
    const open = (p: Page, dst: string, local: number, remote: number) =>
      p.evaluate(
        async ({ dst, local, remote }) => {
          const r = await window.harness.api.connect({ remoteAddr: dst, remotePort: remote, localPort: local });
          if (!r.ok) throw new Error(r.error.message);
          return r.value;
        },
        { dst, local, remote },
      );
    const ca = await open(a.page, b.address, 5000, 6000);
    const cb = await open(b.page, a.address, 6000, 5000);
    const heldA = await call<{ flagNames: string; summary: string }[]>(a.page, (api) => api.held());
    const heldB = await call<{ flagNames: string }[]>(b.page, (api) => api.held());
    expect(heldA.map((h) => h.flagNames)).toEqual(['SYN']);
    expect(heldA[0]?.summary).toContain(`${a.address}:5000 → ${b.address}:6000 [SYN]`);
    expect(heldB.map((h) => h.flagNames)).toEqual(['SYN']);
    // Release together; then let everything else through.
    await Promise.all([call(a.page, (api) => api.releaseAll()), call(b.page, (api) => api.releaseAll())]);
    await Promise.all([call(a.page, (api) => api.setHold(false)), call(b.page, (api) => api.setHold(false))]);
    for (const [p, c] of [[a.page, ca], [b.page, cb]] as const) {
      await p.waitForFunction(
        async (c) => {
          const s = await window.harness.api.status(c);
          return s.ok && s.value.state === 'ESTABLISHED';
        },
        c,
        { timeout: 5_000, polling: 20 },
      );
      await p.evaluate(() => window.harness.traceSettled());
      const recs = await records(p);
      const states = recs.flatMap((r) => (r.event.type === 'state' && r.event.conn === c ? [r.event.to] : []));
      expect(states).toEqual(['SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED']);
      const holds = recs.flatMap((r) => (r.event.type === 'fault' && r.event.fault === 'hold' ? [r.event.detail] : []));
      expect(holds[0]).toMatch(/^held as #1: SYN/);
      // The peer's SYN may arrive before this side's release, so its SYN,ACK can be held in between.
      expect(holds.some((d) => /^released \(all\): #1$/.test(d))).toBe(true);
    }
    await Promise.all([a.page.close(), b.page.close()]);
  }, 30_000);

  it('at 0.5× a 1 s retransmission timeout takes 2 s of real time', async () => {
    const a = await openJoined('slowmo', 'Ana', 3);
    await call(a.page, (api) => api.configure({ initialRto: 1000 }));
    await call(a.page, (api) => api.setTimeFactor(0.5));
    // Nobody has 10.0.9.9: the relay answers "unreachable", and the SYN is retransmitted on the RTO.
    await call(a.page, (api) => api.connect({ remoteAddr: '10.0.9.9', remotePort: 80 }));
    await a.page.waitForFunction(
      () => window.harness.records.filter((r) => r.event.type === 'segment' && r.event.dir === 'out').length >= 2,
      undefined,
      { timeout: 6_000, polling: 20 },
    );
    const recs = await records(a.page);
    const syns = recs.filter((r) => r.event.type === 'segment' && r.event.dir === 'out');
    const [first, second] = syns as [TraceRecord, TraceRecord];
    const stackGap = second.event.t - first.event.t;
    const realGap = second.real - first.real;
    console.log(`SYN retransmission at 0.5×: stack ${stackGap.toFixed(1)} ms, real ${realGap.toFixed(1)} ms`);
    expect(stackGap).toBeGreaterThanOrEqual(1000);
    expect(stackGap).toBeLessThan(1010);
    expect(realGap).toBeGreaterThanOrEqual(1990);
    expect(realGap).toBeLessThan(2200);
    expect(recs.some((r) => r.event.type === 'shell' && r.event.kind === 'unreachable' && r.event.dst === '10.0.9.9')).toBe(true);
    await a.page.close();
  }, 30_000);
});
