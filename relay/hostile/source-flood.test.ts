// Issue 14 item 8 (WebSocket half): one address cannot take every client slot of the relay.
import { expect, test } from 'vitest';
import { sourceFlood } from './attacks/room-attacks.ts';
import { expectSurvived } from './expect-survived.ts';
import { CLASS_SOURCE } from './harness.ts';
import { ATTACK_TIMEOUT_MS, useScenario } from './scenario-test.ts';

const { s, idle } = useScenario();

/** WebSocket clients one address may hold: maxClientsPerSource's default (64, refused with 4007
 *  beyond), far below the relay's 1,000 slots. */
const MAX_HELD_BY_ONE_SOURCE = 64;

test('one address opening 1,100 clients is refused past its share, and a new student still joins', async () => {
  const w = await s().measure(() => sourceFlood(s().target, { classSource: CLASS_SOURCE }));
  expectSurvived('per-source connection flood', idle(), w);
  expect(w.result.attempted, 'clients attempted (enough to be far past any share)').toBeGreaterThanOrEqual(500);
  expect.soft(w.result.held, 'clients the relay held for the one address').toBeLessThanOrEqual(MAX_HELD_BY_ONE_SOURCE);
  expect.soft(w.result.newcomerJoined, `a new student from another address joined (answer ${w.result.newcomerAnswer})`).toBe(true);
}, ATTACK_TIMEOUT_MS);
