// Issue 14 item 4: a SYN flood and a SYN trickle at the bots. New connections from students must
// still be accepted (RFC 4987: SYN cookies or a bounded, per-peer backlog), and a source that never
// answers must not get more back than it sent.
import { describe, expect, test } from 'vitest';
import { synFlood, synTrickle } from './attacks/bot-attacks.ts';
import { expectSurvived } from './expect-survived.ts';
import { ATTACK_TIMEOUT_MS, useScenario } from './scenario-test.ts';

const { s, idle } = useScenario();
const BOT_PORTS = 5;
const BACKLOG = 16;
const SYN_RETRIES = 4;

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
    // Amplification bounded: one SYN,ACK per SYN, plus the retransmissions of the half-open
    // connections a backlog holds (16 per port, at most 4 retries each; RFC 9293 §3.8.1).
    expect.soft(w.result.synAcks, 'SYN,ACKs the attacker received').toBeLessThanOrEqual(w.result.syns + BOT_PORTS * BACKLOG * SYN_RETRIES);
  }, ATTACK_TIMEOUT_MS);
});
