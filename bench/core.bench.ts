// Core throughput: 256 MiB between two hosts through the simulated link (MSS 1460, checksums on),
// without loss and with 1% loss (modern profile), lossless with the textbook profile (so the cost of
// the modern mechanisms shows), against the machine's own kernel TCP over loopback in the same run.
import { createServer, connect, type AddressInfo } from 'node:net';
import { runTransfer } from '../workers/tcp/sim/transfer.ts';
import { PROFILES } from '../workers/tcp/settings.ts';

const MiB = 1024 * 1024;
const SIZE = Number(process.env.CORE_BENCH_MIB ?? 256) * MiB;

function core(loss: number, profile: 'modern' | 'textbook' = 'modern'): { mbps: number; segs: number; ok: boolean; problems: string[] } {
  const start = performance.now();
  const r = runTransfer({
    seed: 1,
    settings: { ...PROFILES[profile], sendBufferSize: 4 * MiB, receiveBufferSize: 4 * MiB, dataRetries: 30 },
    clientBytes: SIZE,
    serverBytes: 0,
    latency: 1,
    verify: false,
    writeChunk: 1 * MiB,
    ...(loss > 0 ? { faults: { loss } } : {}),
  });
  const secs = (performance.now() - start) / 1000;
  return { mbps: SIZE / 1e6 / secs, segs: r.packets / secs, ok: r.problems.length === 0, problems: r.problems };
}

async function kernel(): Promise<number> {
  const chunk = Buffer.alloc(1 * MiB, 7);
  return new Promise((resolve, reject) => {
    const server = createServer((sock) => {
      let got = 0;
      let start = 0;
      sock.on('data', (d) => {
        if (got === 0) start = performance.now();
        got += d.length;
        if (got >= SIZE) {
          const secs = (performance.now() - start) / 1000;
          sock.destroy();
          server.close();
          resolve(SIZE / 1e6 / secs);
        }
      });
      sock.on('error', reject);
    });
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      const c = connect(port, '127.0.0.1', () => {
        let sent = 0;
        const pump = (): void => {
          while (sent < SIZE) {
            sent += chunk.length;
            if (!c.write(chunk)) return void c.once('drain', pump);
          }
          c.end();
        };
        pump();
      });
      c.on('error', () => {});
    });
  });
}

type Run = ReturnType<typeof core>;
/** Median of three runs (and the range): one 256 MiB run swings with GC and the machine's load. */
function median3(loss: number, profile: 'modern' | 'textbook' = 'modern'): Run & { range: string } {
  const runs = [core(loss, profile), core(loss, profile), core(loss, profile)].sort((a, b) => a.mbps - b.mbps);
  const mid = runs[1]!;
  return { ...mid, ok: runs.every((r) => r.ok), problems: runs.flatMap((r) => r.problems), range: `${runs[0]!.mbps.toFixed(0)}-${runs[2]!.mbps.toFixed(0)}` };
}

core(0); // warm the JIT on a first pass
const lossless = median3(0);
const lossy = median3(0.01);
const textbook = median3(0, 'textbook');
const k = await kernel();
if (!lossless.ok) console.error('core lossless run failed:', lossless.problems);
if (!lossy.ok) console.error('core 1% loss run failed:', lossy.problems);
console.log(`core-throughput: ${lossless.mbps.toFixed(0)} MB/s (${(lossless.mbps / k).toFixed(2)}x kernel TCP loopback; median of 3, range ${lossless.range})`);
console.log(`core-segments: ${lossless.segs.toFixed(0)} /s`);
console.log(`core-throughput-1pct-loss: ${lossy.mbps.toFixed(0)} MB/s (${(lossy.mbps / k).toFixed(2)}x kernel TCP loopback; range ${lossy.range})`);
console.log(`core-segments-1pct-loss: ${lossy.segs.toFixed(0)} /s`);
console.log(`core-throughput-textbook: ${textbook.mbps.toFixed(0)} MB/s (${(lossless.mbps / textbook.mbps).toFixed(2)}x modern/textbook; range ${textbook.range})`);
console.log(`kernel-tcp-loopback: ${k.toFixed(0)} MB/s`);
process.exit(lossless.ok && lossy.ok && textbook.ok ? 0 : 1);
