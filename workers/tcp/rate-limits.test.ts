// Rate limits on unasked-for answers: RSTs for segments that match no connection (RFC 9293
// §3.10.7.1), challenge ACKs (RFC 5961 §7) and ACKs to out-of-window pure segments (Linux's
// tcp_invalid_ratelimit).
import { describe, expect, it } from 'vitest';
import { A_ADDR, B_ADDR, establishedPair, makePair } from './test-support/pair.ts';
import { eventsOf, packet, send } from './test-support/templates.ts';
import { PROFILES } from './settings.ts';

describe('RSTs for segments that match no connection: at most rstPerSecond', () => {
  it('10,000 ACKs to closed ports in one second draw 200 RSTs; the rest are dropped as rate-limited', () => {
    const { b } = makePair();
    expect(b.host.settings.rstPerSecond).toBe(200);
    let rsts = 0;
    for (let i = 0; i < 10_000; i++) {
      b.host.input(packet({ src: A_ADDR, dst: B_ADDR, srcPort: 5000, dstPort: 1 + (i % 1000), seq: i, ack: 77 + i, flags: 'ACK' }), i / 10);
      rsts += b.host.takeOutput().length;
    }
    expect(rsts).toBe(200);
    expect(b.host.stats.rateLimited.rst).toBe(9_800);
    expect(b.host.stats.dropped['rate-limited']).toBe(9_800);
    const drop = eventsOf(b, 'drop').at(-1);
    expect([drop?.reason, drop?.detail]).toEqual(['rate-limited', 'no one listens on port 1000: RST not sent (rstPerSecond 200 reached)']);
    // The next second has its own 200.
    expect(send(b, { src: A_ADDR, dst: B_ADDR, srcPort: 5000, dstPort: 9, seq: 1, ack: 2, flags: 'ACK' }, 1000).map((w) => w.flags)).toEqual(['RST']);
  });

  it('the ACKs a listening port refuses count against the same limit', () => {
    const { b } = makePair({ rstPerSecond: 3 });
    b.host.listen(80);
    const answers = Array.from({ length: 10 }, (_, i) => send(b, { src: A_ADDR, dst: B_ADDR, srcPort: 6000 + i, dstPort: 80, ack: 9, flags: 'ACK' }, i).length);
    expect(answers).toEqual([1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('rstPerSecond 0 is unlimited', () => {
    const { b } = makePair({ rstPerSecond: 0 });
    let rsts = 0;
    for (let i = 0; i < 1000; i++) rsts += send(b, { src: A_ADDR, dst: B_ADDR, srcPort: 5000, dstPort: 9, ack: i, flags: 'ACK' }, 0).length;
    expect(rsts).toBe(1000);
  });
});

describe('challenge ACKs: at most challengeAckPerSecond per host (RFC 5961 §7)', () => {
  // B (ESTABLISHED, RCV.NXT 1001) receives in-window RSTs with the wrong sequence number (RFC 5961 §3.2).
  const badRst = (seq: number) => ({ src: A_ADDR, dst: B_ADDR, srcPort: 40000, dstPort: 80, seq, flags: 'RST' });

  it('ESTABLISHED, 100 RSTs with a wrong in-window seq in one second: 5 challenge ACKs (limit 5), the connection stays', () => {
    const { b, cb } = establishedPair({ challengeAckPerSecond: 5 });
    const answers = Array.from({ length: 100 }, (_, i) => send(b, badRst(1001 + 10 + i), 10 + i * 5));
    expect(answers.flat().map((w) => w.flags)).toEqual(Array(5).fill('ACK'));
    expect(b.host.stats.rateLimited.challengeAck).toBe(95);
    expect(eventsOf(b, 'drop').at(-1)?.detail).toMatch(/challenge ACK not sent: challengeAckPerSecond 5 reached/);
    const st = b.host.status(cb);
    expect(st.ok && st.value.state).toBe('ESTABLISHED');
    expect(send(b, badRst(1001 + 5), 1010).map((w) => w.flags)).toEqual(['ACK']); // a new second
  });

  it('the host limit is shared by all connections', () => {
    const { a, b } = makePair({ challengeAckPerSecond: 2 });
    b.host.listen(80);
    for (const port of [40000, 40001, 40002]) {
      const c = a.host.connect({ remoteAddr: B_ADDR, remotePort: 80, localPort: port }, 0);
      if (!c.ok) throw new Error();
    }
    // Finish the three handshakes.
    for (let i = 0; i < 3; i++) {
      for (const p of a.host.takeOutput()) b.host.input(p, 1);
      for (const p of b.host.takeOutput()) a.host.input(p, 2);
    }
    expect(b.host.connections().map((c) => c.state)).toEqual(['ESTABLISHED', 'ESTABLISHED', 'ESTABLISHED']);
    // A SYN on each established connection asks for a challenge ACK (RFC 5961 §4).
    const answers = [40000, 40001, 40002].map((port) => send(b, { src: A_ADDR, dst: B_ADDR, srcPort: port, dstPort: 80, seq: 123, flags: 'SYN' }, 10).length);
    expect(answers).toEqual([1, 1, 0]);
  });
});

describe('ACKs to unacceptable pure segments: one per invalidAckInterval per connection (Linux tcp_invalid_ratelimit)', () => {
  const modern = { ...PROFILES.modern, timestamps: false, delayedAck: false };

  it('ESTABLISHED, out-of-window pure ACKs every 100 ms: an ACK for the first, then one each 500 ms', () => {
    const { b } = establishedPair(modern);
    const answered = Array.from({ length: 11 }, (_, i) =>
      send(b, { src: A_ADDR, dst: B_ADDR, srcPort: 40000, dstPort: 80, seq: 1001 + 1_000_000, ack: 5001, flags: 'ACK' }, 100 + i * 100).length);
    expect(answered).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect(b.host.stats.rateLimited.invalidAck).toBe(8);
    expect(eventsOf(b, 'drop').filter((e) => e.reason === 'rate-limited').map((e) => e.detail)).toContain(
      'seq 1001001 len 0 outside RCV.NXT 1001 RCV.WND 262144; ACK not sent: one ACK per invalidAckInterval 500 ms per connection',
    );
  });

  it('an out-of-window segment with data always gets its ACK (it may be a spurious retransmission)', () => {
    const { b } = establishedPair(modern);
    const old = { src: A_ADDR, dst: B_ADDR, srcPort: 40000, dstPort: 80, seq: 1001 - 100, ack: 5001, flags: 'PSH,ACK', payload: new Uint8Array(50) };
    expect([send(b, old, 100), send(b, old, 101), send(b, old, 102)].map((w) => w.map((x) => [x.flags, x.seg.ack]))).toEqual([
      [['ACK', 1001]], [['ACK', 1001]], [['ACK', 1001]],
    ]);
  });

  it('challenge ACKs share the per-connection interval: SYNs on ESTABLISHED 10 ms apart draw one', () => {
    const { b } = establishedPair(modern);
    const answers = [0, 10, 20, 30].map((dt) => send(b, { src: A_ADDR, dst: B_ADDR, srcPort: 40000, dstPort: 80, seq: 999, flags: 'SYN' }, 100 + dt).length);
    expect(answers).toEqual([1, 0, 0, 0]);
  });

  it('the textbook profile answers every unacceptable segment (RFC 9293 §3.10.7.4)', () => {
    const { b } = establishedPair();
    expect(b.host.settings.invalidAckInterval).toBe(0);
    const answered = [0, 1, 2].map((dt) =>
      send(b, { src: A_ADDR, dst: B_ADDR, srcPort: 40000, dstPort: 80, seq: 1001 + 1_000_000, ack: 5001, flags: 'ACK' }, 100 + dt).length);
    expect(answered).toEqual([1, 1, 1]);
  });
});
