// Issue 14 item 5: reflection. Three clients, each inside its own rate limit, send ACKs to closed
// ports of a student; its stack answers each with a RST (RFC 9293 §3.10.7.1), more than the student
// may send. The student must not be closed for abuse (4005) nor lose its echo round trips.
import { expect, test } from 'vitest';
import { reflection } from './attacks/bot-attacks.ts';
import { expectSurvived } from './expect-survived.ts';
import { ATTACK_TIMEOUT_MS, useScenario } from './scenario-test.ts';

// Shortened: the relay closes a client after 10 s over its limit by default; 3 s fits the 6 s attack.
const RATE_LIMIT_CLOSE_AFTER_SECONDS = 3;
/** The victim's RSTs for closed ports, per second: the core's rstPerSecond (200) with margin. */
const MAX_RSTS_PER_SECOND = 250;
const { s, idle } = useScenario({ rateLimitCloseAfterSeconds: RATE_LIMIT_CLOSE_AFTER_SECONDS });

test('a student made to answer three attackers with RSTs is not closed and keeps its echo', async () => {
  const w = await s().measure(() => reflection(s().target));
  expectSurvived('reflection', idle(), w);
  expect(w.result.sent, 'ACKs the attackers sent').toBeGreaterThanOrEqual(20_000);
  const victim = w.raw[0]!;
  expect.soft(victim.linkCloses.map((c) => c.code), 'close codes the victim got').not.toContain(4005);
  // The victim's stack limits its answers to segments it did not ask for (the core's
  // rstPerSecond, 200 by default, as FreeBSD's icmplim): the reflection amplifies nothing.
  const seconds = w.ms / 1000;
  expect.soft(w.result.resets, 'RSTs reflected to the attackers').toBeLessThanOrEqual(MAX_RSTS_PER_SECOND * seconds + 200);
}, ATTACK_TIMEOUT_MS);
