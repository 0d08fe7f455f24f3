// Issue 14 item 2: a client that sends to the echo bot and never reads what comes back. The bot
// must hold it back with TCP's own flow control (its window closes, RFC 9293 §3.8.6) instead of
// buffering the echo in the relay's memory.
import { expect, test } from 'vitest';
import { neverReads } from './attacks/bot-attacks.ts';
import { expectSurvived } from './expect-survived.ts';
import { ATTACK_TIMEOUT_MS, useScenario } from './scenario-test.ts';

const { s, idle } = useScenario();

/** What one such connection may make the bot take in: its buffers (256 KiB each way in the
 *  modern profile), with room to spare; three attackers, one connection each. */
const MAX_ACCEPTED_PER_CONNECTION = 1024 * 1024;

test('an echo client that never reads is held back by the window, not by relay memory', async () => {
  const w = await s().measure(() => neverReads(s().target));
  expectSurvived('echo reader that never reads', idle(), w);
  expect(w.result.sent, 'bytes the attackers sent (all within the window the bot offered)').toBeGreaterThan(0);
  expect.soft(w.result.acked, 'bytes the echo bot accepted from the three attackers').toBeLessThanOrEqual(3 * MAX_ACCEPTED_PER_CONNECTION);
}, ATTACK_TIMEOUT_MS);
