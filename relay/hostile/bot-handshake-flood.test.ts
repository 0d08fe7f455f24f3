// Issue 14 item 1: one source completes thousands of handshakes with the echo bot and leaves them
// open. The relay's memory must stay bounded, the bot must hold only so many connections for one
// peer, and students (in this room and another) keep their echo round trips.
import { expect, test } from 'vitest';
import { handshakeFlood } from './attacks/bot-attacks.ts';
import { expectSurvived } from './expect-survived.ts';
import { ATTACK_TIMEOUT_MS, useScenario } from './scenario-test.ts';

const { s, idle } = useScenario();

/** Connections one peer may get served by one bot: far above a student's need, far below a flood. */
const MAX_SERVED_PER_PEER = 256;

test('a flood of completed handshakes to echo is bounded per peer and in memory', async () => {
  const w = await s().measure(() => handshakeFlood(s().target));
  expectSurvived('bot handshake flood', idle(), w);
  expect(w.result.attempted, 'handshakes attempted').toBeGreaterThanOrEqual(2000);
  // Two attacker addresses: each may get at most MAX_SERVED_PER_PEER.
  expect.soft(w.result.served, 'connections the echo bot served for the attackers').toBeLessThanOrEqual(2 * MAX_SERVED_PER_PEER);
}, ATTACK_TIMEOUT_MS);
