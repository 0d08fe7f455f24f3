// Issue 14 item 4: a SYN flood and a SYN trickle at the bots. New connections from students must
// still be accepted (RFC 4987: SYN cookies or a bounded, per-peer backlog), and a source that never
// answers must not get more back than it sent.
import { describe, expect, test } from 'vitest';
import { synFlood, synTrickle } from './attacks/bot-attacks.ts';
import { expectSurvived } from './expect-survived.ts';
import { ATTACK_TIMEOUT_MS, useScenario } from './scenario-test.ts';

const { s, idle } = useScenario();

describe('SYNs never answered', () => {
  test('a flood of 1,500 SYNs a second to echo leaves echo reachable', async () => {
    const w = await s().measure(() => synFlood(s().target));
    expectSurvived('SYN flood', idle(), w);
    expect(w.result.syns, 'SYNs sent').toBeGreaterThanOrEqual(5000);
    // No amplification: at most one SYN,ACK per SYN (RFC 4987 §3.6: a cookie is not retransmitted).
    expect.soft(w.result.synAcks, 'SYN,ACKs the attacker received').toBeLessThanOrEqual(w.result.syns);
  }, ATTACK_TIMEOUT_MS);

  test('a trickle of 3 SYNs a second per bot port leaves every port reachable', async () => {
    const w = await s().measure(() => synTrickle(s().target));
    expectSurvived('SYN trickle', idle(), w);
    expect(w.result.syns, 'SYNs sent').toBeGreaterThanOrEqual(100);
    expect.soft(w.result.synAcks, 'SYN,ACKs the attacker received').toBeLessThanOrEqual(w.result.syns);
  }, ATTACK_TIMEOUT_MS);
});
