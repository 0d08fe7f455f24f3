// Issue 14 item 6: /stats fetched by 20 clients at once, back to back, must not slow the rooms
// down: the public answer is counts only, computed at most about once a second.
import { expect, test } from 'vitest';
import { fillRooms, statsHammer } from './attacks/http-attacks.ts';
import { expectSurvived } from './expect-survived.ts';
import { ATTACK_TIMEOUT_MS, useScenario } from './scenario-test.ts';

const { s, idle } = useScenario();

/** The public /stats: relay-wide counts and traffic, no rooms or hosts (those need the admin token). */
const MAX_PUBLIC_STATS_BYTES = 16 * 1024;

test('20 parallel /stats fetchers cost the rooms nothing noticeable', async () => {
  // The rooms are filled before the window: joining 200 clients is not the attack.
  const filled = await fillRooms(s().target);
  expect(filled.clients.length, 'idle clients in 20 rooms').toBeGreaterThanOrEqual(150);
  const w = await s().measure(() => statsHammer(s().target));
  await filled.close();
  expectSurvived('/stats hammering (20 rooms of 10 idle clients)', idle(), w);
  expect(w.result.requests, 'requests made').toBeGreaterThan(20);
  expect.soft(w.result.largestBody, 'largest /stats answer without a token (bytes)').toBeLessThanOrEqual(MAX_PUBLIC_STATS_BYTES);
  // Cached: about one computation a second, whatever the number of requests.
  if (w.result.renders !== null) expect.soft(w.result.renders, '/stats computations').toBeLessThanOrEqual(2 * Math.ceil(w.ms / 1000) + 2);
}, ATTACK_TIMEOUT_MS);
