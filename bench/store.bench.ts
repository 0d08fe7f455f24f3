// Saving a session's trace in IndexedDB, in headless Chromium: the storing thread's time for a real
// trace (the receiver's side of an 8 MiB transfer between two endpoints, made here in Node) as
// packed chunks, the way SessionStore writes them, against object chunks, the way it wrote them
// before (the reference), measured alternately in the same run; and reading each back.
//
//   npx tsx bench/store.bench.ts
//     store-write: N us per 1,000 records (R x object chunks)   time inside put(), packing included
//     store-read:  N us per 1,000 records (R x object chunks)   getAll and decoding every record
//
// Only 127.0.0.1; the whole run stops by itself within 2 minutes.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BareBrowser } from './support/bare-chromium.ts';
import { createRelay } from '../relay/relay.ts';
import { buildHarnessPage } from '../workers/harness-build.ts';
import { EndpointService } from '../workers/endpoint-service.ts';
import { FakeRelay } from '../workers/fake-relay.ts';
import { realTimers } from '../workers/timers.ts';
import type { TraceRecord } from '../workers/api.ts';
import { encodeSessionFile } from '../workers/persistence/session-file.ts';
import { newSession } from '../workers/persistence/test-fixtures.ts';
import { runBench } from './support/run-bench.ts';
import { okValue as value } from '../workers/ok-value.ts';

const TRANSFER = Number(process.env.BENCH_STORE_MIB ?? 8) * 1024 * 1024;
const ROUNDS = 3;
const HARD_LIMIT_MS = 120_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The receiving endpoint's whole trace of a bulk transfer and its close. */
async function receiverTrace(bytes: number): Promise<TraceRecord[]> {
  const relay = new FakeRelay(0);
  const make = (seed: number) => new EndpointService({ timers: realTimers, createSocket: relay.createSocket, newSeed: () => seed, random: Math.random });
  const a = make(1);
  const b = make(2);
  value(a.join({ url: 'ws://relay.test/ws', room: 'bench', name: 'a' }));
  value(b.join({ url: 'ws://relay.test/ws', room: 'bench', name: 'b' }));
  await sleep(20);
  const link = b.linkState();
  if (link.status !== 'joined') throw new Error(`not joined: ${link.status}`);
  value(b.listen(5001));
  const c = value(a.connect({ remoteAddr: link.address, remotePort: 5001 }));
  await sleep(50);
  const accepted = value(b.accept(5001));
  if (accepted === null) throw new Error('nothing to accept');
  value(b.autoRead(accepted, { keep: 0 }));
  // Data that does not compress: a store that compressed would look better than it is.
  const data = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) data[i] = Math.imul(i, 2654435761) >>> 24;
  value(a.writeAll(c, data));
  for (let i = 0; i < 3_000 && value(b.takeReceived(accepted)).total < bytes; i++) await sleep(20);
  value(a.close(c));
  value(b.close(accepted));
  await sleep(200);
  const records: TraceRecord[] = [];
  for (let from = 0; ; ) {
    const page = b.getTrace(from, 10_000);
    records.push(...page.records);
    if (page.records.length === 0) break;
    from = page.next;
  }
  if (value(b.takeReceived(accepted)).total < bytes) throw new Error('the transfer did not complete');
  a.dispose();
  b.dispose();
  return records;
}

interface Figures {
  mode: 'objects' | 'packed';
  records: number;
  writeMs: number;
  readMs: number;
  puts: number;
}

async function main(): Promise<void> {
  const records = await receiverTrace(TRANSFER);
  const dir = await buildHarnessPage(join(import.meta.dirname, 'support', 'store-page.ts'), 'store bench');
  writeFileSync(join(dir, 'trace.json'), encodeSessionFile({ id: 1, ...newSession() }, records));
  const relay = await createRelay({ port: 0, host: '127.0.0.1', staticDir: dir, bots: false, heartbeatMs: 0, log: () => {} });
  const browser = await BareBrowser.launch();
  try {
    const page = await browser.newPage(`${relay.url}index.html`);
    await page.waitFor('window.storeBench !== undefined');
    const runs = await page.call((rounds) => window.storeBench(rounds), ROUNDS);
    const median = (mode: Figures['mode'], pick: (f: Figures) => number) => {
      const xs = runs.filter((r) => r.mode === mode).map(pick).sort((x, y) => x - y);
      return xs[Math.floor(xs.length / 2)]!;
    };
    const per1k = (ms: number) => (ms / records.length) * 1e6; // us per 1,000 records
    const w = { objects: median('objects', (r) => r.writeMs), packed: median('packed', (r) => r.writeMs) };
    const r = { objects: median('objects', (f) => f.readMs), packed: median('packed', (f) => f.readMs) };
    const puts = { objects: runs.find((f) => f.mode === 'objects')!.puts, packed: runs.find((f) => f.mode === 'packed')!.puts };
    console.log(
      `store: ${records.length} records of an ${(TRANSFER / 1024 / 1024).toFixed(0)} MiB transfer, median of ${ROUNDS}; ` +
        `${puts.packed} packed puts against ${puts.objects} object puts; write ${w.packed.toFixed(0)} against ${w.objects.toFixed(0)} ms, read ${r.packed.toFixed(0)} against ${r.objects.toFixed(0)} ms`,
    );
    console.log(`store-write: ${per1k(w.packed).toFixed(0)} us per 1000 records (${(w.packed / w.objects).toFixed(2)}x object chunks)`);
    console.log(`store-read: ${per1k(r.packed).toFixed(0)} us per 1000 records (${(r.packed / r.objects).toFixed(2)}x object chunks)`);
  } finally {
    await browser.close();
    await relay.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

runBench('store', HARD_LIMIT_MS, main);
