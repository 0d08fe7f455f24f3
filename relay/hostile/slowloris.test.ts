// Issue 14 item 8 (HTTP half): slowloris. 2,000 sockets from one address, each sending a request
// head a line a second and never finishing it, must not be held: a per-source cap on connections
// (256 by default) refuses most at once, and the headers timeout (10 s) ends the rest.
import { expect, test } from 'vitest';
import { slowloris } from './attacks/http-attacks.ts';
import { expectSurvived } from './expect-survived.ts';
import { ATTACK_TIMEOUT_MS, useScenario } from './scenario-test.ts';

const { s, idle } = useScenario();

/** Connections one address may hold open (maxConnectionsPerSource's default). */
const MAX_HELD_BY_ONE_SOURCE = 256;

test('2,000 slowloris sockets from one address: at most its share is held', async () => {
  const w = await s().measure(() => slowloris(s().target));
  expectSurvived('slowloris', idle(), w);
  expect(w.result.opened, 'sockets opened').toBeGreaterThanOrEqual(1500);
  expect.soft(w.result.heldAtEnd, 'slowloris sockets still open after 8 s').toBeLessThanOrEqual(MAX_HELD_BY_ONE_SOURCE);
}, ATTACK_TIMEOUT_MS);
