// Issue 14 item 3: room notices and teacher status respect the receiver's queue limit. A paused
// teacher under a storm of status updates, and a paused student under join/leave churn, must not
// have more than maxQueuedBytes (512 KiB by default) waiting for them in the relay.
import { expect, test } from 'vitest';
import { pausedChurn } from './attacks/room-attacks.ts';
import { expectSurvived } from './expect-survived.ts';
import { ATTACK_TIMEOUT_MS, useScenario } from './scenario-test.ts';

const { s, idle } = useScenario();

const MAX_QUEUED_BYTES = 512 * 1024; // the relay's default
/** One message may be what tips the queue over: the largest status is ~16 KB. */
const ONE_MESSAGE = 32 * 1024;

test('status storms and join/leave churn do not queue past the limit for paused clients', async () => {
  const w = await s().measure(() => pausedChurn(s().target));
  expectSurvived('paused teacher and student under status and join/leave churn', idle(), w);
  expect(w.result.statusesSent, 'status messages published').toBeGreaterThanOrEqual(300);
  expect.soft(w.result.maxQueuedTeacher, 'bytes queued for the paused teacher').toBeLessThanOrEqual(MAX_QUEUED_BYTES + ONE_MESSAGE);
  expect.soft(w.result.maxQueuedStudent, 'bytes queued for the paused student').toBeLessThanOrEqual(MAX_QUEUED_BYTES + ONE_MESSAGE);
}, ATTACK_TIMEOUT_MS);
