// Relay under attack: `npx tsx bench/relay-attack.bench.ts` (or `npm run bench relay-attack`).
//
// Every attack of the hostile suite (relay/hostile/, the same functions with the same settings),
// each against a fresh relay in a child process with two bystanders doing 64-byte echo round
// trips through the echo bot every 50 ms. For each attack: the echo p95 of the bystander in the
// attacked room during the attack, against the same bystander on the idle relay (its idle windows
// of this run, pooled), and the relay's peak RSS over the whole run. A round trip that never came
// back counts as its 2-second timeout, so an attack that stops the echo shows as one.
// Goal (issue 14): every attack ≤ 3× the idle p95, peak RSS < 300 MB.
//
// Only 127.0.0.1–127.0.x.y loopback addresses are used; every attack is bounded in count and time.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handshakeFlood, neverReads, reflection, synFlood, synTrickle } from '../relay/hostile/attacks/bot-attacks.ts';
import { captureFlood } from '../relay/hostile/attacks/capture-attack.ts';
import { fillRooms, headersMethods, slowloris, statsHammer, symlinkEscape } from '../relay/hostile/attacks/http-attacks.ts';
import { codeGuessing, pausedChurn, roomTakeover, sourceFlood } from '../relay/hostile/attacks/room-attacks.ts';
import { ROUND_TRIP_TIMEOUT_MS } from '../relay/hostile/bystander.ts';
import { MiB, percentile, RTT_FACTOR } from '../relay/hostile/figures.ts';
import { CLASS_SOURCE, Scenario } from '../relay/hostile/harness.ts';
import type { ChildRelayOptions } from '../relay/hostile/relay-process.ts';
import { runBench } from './support/run-bench.ts';

const RSS_GOAL_MB = 300;

const dir = mkdtempSync(join(tmpdir(), 'relay-attack-bench-'));
const pcapDir = join(dir, 'pcap');
const staticDir = join(dir, 'static');
const outside = join(dir, 'outside');
for (const d of [pcapDir, staticDir, outside]) mkdirSync(d);
writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>bench</title>\n');
writeFileSync(join(outside, 'secret.txt'), 'SECRET\n');
symlinkSync(join(outside, 'secret.txt'), join(staticDir, 'leak.txt'));

interface Attack {
  name: string;
  options?: ChildRelayOptions;
  /** Set up before the idle window (not part of the attack); undone after the attack. */
  prepare?(s: Scenario): Promise<() => Promise<void>>;
  run(s: Scenario): Promise<unknown>;
}

// The settings of relay/hostile/*.test.ts, where a test shortens a default.
const ATTACKS: Attack[] = [
  { name: 'bot-handshake-flood', run: (s) => handshakeFlood(s.target) },
  { name: 'echo-never-reads', run: (s) => neverReads(s.target) },
  { name: 'syn-flood', run: (s) => synFlood(s.target) },
  { name: 'syn-trickle', run: (s) => synTrickle(s.target) },
  { name: 'reflection', options: { rateLimitCloseAfterSeconds: 3 }, run: (s) => reflection(s.target) },
  { name: 'stats-hammer', prepare: async (s) => (await fillRooms(s.target)).close, run: (s) => statsHammer(s.target) },
  { name: 'teacher-code-guessing', run: (s) => codeGuessing(s.target, { classSource: CLASS_SOURCE }) },
  { name: 'room-takeover', run: (s) => roomTakeover(s.target, { classSource: CLASS_SOURCE }) },
  { name: 'source-flood', run: (s) => sourceFlood(s.target, { classSource: CLASS_SOURCE }) },
  { name: 'slowloris', run: (s) => slowloris(s.target) },
  { name: 'paused-teacher-churn', run: (s) => pausedChurn(s.target) },
  {
    name: 'capture-caps',
    options: { pcapDir, pcapMaxFileBytes: 1024 * 1024, pcapMaxTotalBytes: 4 * 1024 * 1024, pcapMaxFiles: 8 },
    run: (s) => captureFlood(s.target, { pcapDir }),
  },
  { name: 'symlink-escape', options: { staticDir }, run: (s) => symlinkEscape(s.target, { secret: 'SECRET', paths: ['/leak.txt'] }) },
  { name: 'headers-methods', options: { staticDir }, run: (s) => headersMethods(s.target) },
];

/** Echo round trips of the attacked room's bystander, a failed one counted as its timeout. */
function rtts(raw: { rtts: number[]; failures: number }): number[] {
  return [...raw.rtts, ...Array.from({ length: raw.failures }, () => ROUND_TRIP_TIMEOUT_MS)];
}

async function main(): Promise<void> {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const idle: number[] = [];
  const during: { name: string; rtts: number[]; killed: boolean; alive: boolean; connects: number; connectFailures: number }[] = [];
  let peakRss = 0;
  const machine: number[] = [];
  for (const a of ATTACKS.filter((x) => only.length === 0 || only.some((o) => x.name.includes(o)))) {
    const s = await Scenario.start(a.options ?? {});
    let undo: (() => Promise<void>) | null = null;
    try {
      undo = (await a.prepare?.(s)) ?? null;
      const i = await s.idle();
      idle.push(...rtts(i.raw[0]!));
      peakRss = Math.max(peakRss, i.peakRss);
      const w = await s.measure(() => a.run(s));
      peakRss = Math.max(peakRss, w.peakRss);
      machine.push(i.machine.p99, w.machine.p99);
      const b = w.raw[0]!;
      during.push({ name: a.name, rtts: rtts(b), killed: w.killedForMemory, alive: w.alive, connects: b.connects.length, connectFailures: b.connectFailures });
    } finally {
      await undo?.();
      await s.stop();
    }
  }
  const idleP95 = percentile(idle, 95);
  console.log(`relay-under-attack-idle: ${idleP95.toFixed(1)} ms p95 (${idle.length} echo round trips on idle relays, the reference)`);
  let over = 0;
  for (const d of during) {
    const p95 = percentile(d.rtts, 95);
    const ratio = p95 / idleP95;
    if (!(ratio <= RTT_FACTOR)) over++;
    // The echo runs on one long-lived connection; new connections (a student pressing Connect)
    // are the connect probes, which a full backlog stops while the echo goes on.
    const connects = d.connectFailures > 0 ? `; ${d.connectFailures} of ${d.connects + d.connectFailures} new connections to echo failed` : '';
    const note = d.killed ? '; relay killed at the 1.5 GiB RSS ceiling' : d.alive ? '' : '; relay not answering /healthz after it';
    console.log(`relay-under-attack-${d.name}: ${p95.toFixed(1)} ms p95 (${ratio.toFixed(2)}x idle${connects}${note})`);
  }
  // Context, not a result of the relay: how late an idle process's timers ran (worst window).
  console.log(`relay-under-attack-machine-lateness: ${Math.max(...machine).toFixed(1)} ms p99 (worst window; ${percentile(machine, 50).toFixed(1)} ms median: the machine's own share of any round trip)`);
  const peakMb = peakRss / MiB;
  console.log(
    `relay-under-attack-peak-rss: ${peakMb.toFixed(0)} MB (${(peakMb / RSS_GOAL_MB).toFixed(2)}x the ${RSS_GOAL_MB} MB goal; ` +
      `${during.length - over} of ${during.length} attacks within ${RTT_FACTOR}x idle p95)`,
  );
}

runBench('relay-attack', 400_000, () =>
  main().finally(() => {
    rmSync(dir, { recursive: true, force: true });
  }),
);
