// Goodput under random loss on a simulated 20 ms RTT, 100 Mbit/s link, for both profiles, with the
// ratio to the Mathis et al. prediction (MSS/RTT × 1.22/√p), so the square-root law can be seen.
// Loss is applied to what the client sends (its data; a lost SYN costs one RTO in a run of tens of
// seconds); ACKs are not lost, as the model assumes.
import { runTransfer } from '../workers/tcp/sim/transfer.ts';
import { PROFILES, type ProfileName } from '../workers/tcp/settings.ts';

const RTT_S = 0.02;
const RATE = 100e6 / 8; // bytes/s
const MiB = 1024 * 1024;

interface Row { profile: ProfileName; loss: number; goodput: number; mathis: number; mss: number }

function measure(profile: ProfileName, loss: number): Row {
  const settings = { ...PROFILES[profile], dataRetries: 50, sendBufferSize: 4 * MiB, receiveBufferSize: 4 * MiB };
  // Long enough for hundreds of loss events at every rate.
  const bytes = profile === 'textbook' ? 4 * MiB : Math.round((loss <= 0.001 ? 160 : loss <= 0.01 ? 60 : 40) * MiB);
  const run = runTransfer({
    seed: Number(process.env.GOODPUT_SEED ?? 7),
    settings,
    clientBytes: bytes,
    serverBytes: 0,
    latency: RTT_S * 1000 / 4,
    clientFaults: { rateBytesPerSec: RATE, queueLimitBytes: 2 * MiB, loss },
    serverFaults: { rateBytesPerSec: RATE, queueLimitBytes: 2 * MiB },
    verify: false,
  });
  if (run.problems.length) throw new Error(`${profile} ${loss}: ${run.problems.join('; ')}`);
  const secs = (run.dataDoneAt ?? run.duration) / 1000;
  const mss = profile === 'modern' ? 1448 : 1460;
  return { profile, loss, goodput: bytes / secs, mathis: (mss / RTT_S) * (1.22 / Math.sqrt(loss)), mss };
}

const rows: Row[] = [];
for (const loss of [0.001, 0.01, 0.02]) for (const profile of ['modern', 'textbook'] as const) rows.push(measure(profile, loss));
for (const r of rows) {
  const pct = r.loss * 100;
  const name = `goodput-${r.profile}-${pct < 1 ? pct.toFixed(1).replace('.', '_') : pct.toFixed(0)}pct`;
  console.log(`${name}: ${(r.goodput / 1e6).toFixed(3)} MB/s (${(r.goodput / r.mathis).toFixed(2)}x Mathis ${(r.mathis / 1e6).toFixed(3)} MB/s)`);
}
