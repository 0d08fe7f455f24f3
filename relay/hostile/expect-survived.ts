// The four things every hostile test asserts (issue 14): the relay stays up, its memory stays
// under RSS_BOUND, both bystanders keep succeeding within the round-trip bound, and (in each test)
// the attacker is limited. Soft assertions, so one run names every way an attack got through.
import { expect } from 'vitest';
import type { Window } from './harness.ts';
import { fmt, MAX_FAILED_CONNECTS, MAX_FAILED_SHARE, mb, RSS_BOUND, rttBound, ROUND_TRIP_MIN_SHARE, type RttSummary } from './figures.ts';
import { PROBE_EVERY_MS, ROUND_TRIP_EVERY_MS } from './bystander.ts';

/** One line per window for the test log: what the figures were, pass or fail. */
export function report(name: string, idle: Window<null>, w: Window<unknown>): void {
  console.log(
    `[hostile] ${name}: ${(w.ms / 1000).toFixed(1)} s; machine lateness p99 ${w.machine.p99} ms (max ${w.machine.max}); relay RSS ${mb(w.startRss)} → peak ${mb(w.peakRss)} MiB` +
      `${w.killedForMemory ? ' (KILLED at the ceiling)' : ''}; alive ${w.alive}; ` +
      `relay event-loop delay ${w.relayLoop === null ? 'n/a' : `p50 ${w.relayLoop.p50} / p99 ${w.relayLoop.p99} / max ${w.relayLoop.max} ms, CPU ${Math.round(w.relayLoop.cpuShare * 100)} % of a core`}\n` +
      `  attacked room: ${fmt(w.attacked)} (idle p95 ${idle.attacked.p95.toFixed(1)} ms)\n` +
      `  other room:    ${fmt(w.other)} (idle p95 ${idle.other.p95.toFixed(1)} ms)\n` +
      `  attacker: ${JSON.stringify(w.result)}`,
  );
}

function expectBystander(label: string, during: RttSummary, idle: RttSummary, windowMs: number, machineLateness: number): void {
  const attempted = during.roundTrips + during.failures;
  expect.soft(during.roundTrips, `${label}: round trips completed`).toBeGreaterThanOrEqual(Math.floor((ROUND_TRIP_MIN_SHARE * windowMs) / ROUND_TRIP_EVERY_MS));
  expect.soft(during.failures, `${label}: failed round trips`).toBeLessThanOrEqual(Math.floor(MAX_FAILED_SHARE * attempted));
  expect.soft(during.connectFailures, `${label}: failed connect probes`).toBeLessThanOrEqual(MAX_FAILED_CONNECTS);
  // A probe still waiting when the window closes is neither: so many must have succeeded.
  expect.soft(during.connects, `${label}: connect probes completed`).toBeGreaterThanOrEqual(Math.floor((ROUND_TRIP_MIN_SHARE * windowMs) / PROBE_EVERY_MS));
  expect.soft(during.p95, `${label}: echo p95 ms (idle p95 ${idle.p95.toFixed(1)} ms, machine lateness p99 ${machineLateness} ms)`).toBeLessThanOrEqual(
    rttBound(idle.p95, machineLateness),
  );
  expect.soft(during.linkCloses, `${label}: times the relay closed its WebSocket`).toBe(0);
}

export function expectSurvived(name: string, idle: Window<null>, w: Window<unknown>): void {
  report(name, idle, w);
  expect.soft(w.killedForMemory, 'relay killed at the RSS ceiling').toBe(false);
  expect.soft(w.alive, 'relay answers /healthz').toBe(true);
  expect.soft(w.peakRss / (1024 * 1024), `relay peak RSS MiB (bound ${mb(RSS_BOUND)}, start ${mb(w.startRss)})`).toBeLessThan(RSS_BOUND / (1024 * 1024));
  expectBystander('bystander in the attacked room', w.attacked, idle.attacked, w.ms, w.machine.p99);
  expectBystander('bystander in another room', w.other, idle.other, w.ms, w.machine.p99);
}
