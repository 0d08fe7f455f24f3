// Keep-alive, RFC 9293 §3.8.4 and RFC 1122 §4.2.3.6 (keepalive.ts): off by default, switched on per
// socket; after keepAliveIdle with nothing heard, a probe SEG.SEQ = SND.NXT − 1 with no data every
// keepAliveInterval; keepAliveCount unanswered probes abort with ETIMEDOUT. Small times here.
import { describe, expect, it } from 'vitest';
import { established } from '../test-support/fixtures.ts';
import { LOCAL_ISS, RECV, REMOTE_ISS, SEND } from '../test-support/templates.ts';
import { establishedPair, settle } from '../test-support/pair.ts';
import { eventsOf } from '../test-support/templates.ts';
import { PROFILES } from '../settings.ts';

const KA = { keepAliveIdle: 1000, keepAliveInterval: 100, keepAliveCount: 3 };
const PROBE = { flags: 'ACK', seq: LOCAL_ISS, ack: REMOTE_ISS + 1, len: 0 };

function keptAlive() {
  const s = established(KA);
  expect(s.side.host.setOption(s.conn, 'keepAlive', true)).toEqual({ ok: true, value: undefined });
  return s;
}

describe('ESTABLISHED: keep-alive (RFC 1122 §4.2.3.6)', () => {
  it('is off by default: an idle connection sends nothing, however long', () => {
    const s = established(KA);
    expect(s.poll(10_000_000)).toEqual([]);
    expect(s.events('timer').filter((e) => e.timer === 'keepalive')).toEqual([]);
  });

  it('after keepAliveIdle with nothing heard, probes with SEG.SEQ = SND.NXT − 1 and no data, on the keepalive timer', () => {
    const s = keptAlive();
    expect(s.poll(s.now + 999)).toEqual([]);
    expect(s.poll(s.now + 1000)).toEqual([PROBE]);
    expect(s.events('segment').filter((e) => e.dir === 'out').map((e) => e.reason)).toEqual(['keepalive']);
    expect(s.events('timer').filter((e) => e.timer === 'keepalive').map((e) => e.action)).toEqual(['set', 'fired', 'set']);
  });

  it('keepAliveCount unanswered probes, keepAliveInterval apart, then RST and ETIMEDOUT', () => {
    const s = keptAlive();
    const t0 = s.now + 1000;
    for (let i = 0; i < 3; i++) expect(s.poll(t0 + 100 * i)).toEqual([PROBE]);
    expect(s.poll(t0 + 300)).toEqual([{ flags: 'RST', seq: LOCAL_ISS + 1, ack: 0, len: 0 }]);
    expect(s.state()).toBe('CLOSED');
    const r = s.side.host.read(s.conn, 10, t0 + 300);
    expect(!r.ok && r.error.code).toBe('ETIMEDOUT');
  });

  it("the peer's ACK of a probe is a sign of life: the next probe waits a whole idle time again", () => {
    const s = keptAlive();
    const t0 = s.now + 1000;
    expect(s.poll(t0)).toEqual([PROBE]);
    expect(s.send({ ...SEND }, t0 + 10)).toEqual([]);
    expect(s.poll(t0 + 100)).toEqual([]);
    expect(s.poll(t0 + 10 + 999)).toEqual([]);
    expect(s.poll(t0 + 10 + 1000)).toEqual([PROBE]);
    expect(s.state()).toBe('ESTABLISHED');
  });

  it('switched off again, the timer stops', () => {
    const s = keptAlive();
    s.side.host.setOption(s.conn, 'keepAlive', false);
    expect(s.poll(s.now + 100_000)).toEqual([]);
  });
});

describe('ESTABLISHED: the receiving end of a keep-alive (RFC 1122 §4.2.3.6, RFC 9293 §3.10.7.4)', () => {
  it('a probe (SEG.SEQ = RCV.NXT − 1, no data) is an old duplicate answered with an ACK, every time, even under the invalid-ACK rate limit', () => {
    const s = established({ invalidAckInterval: 500 });
    expect(s.send({ ...SEND, seq: REMOTE_ISS }, 10)).toEqual([{ ...RECV }]);
    expect(s.send({ ...SEND, seq: REMOTE_ISS }, 20)).toEqual([{ ...RECV }]);
    expect(s.events('drop').map((e) => e.reason)).toEqual(['old-duplicate', 'old-duplicate']);
  });

  it('two modern hosts: the probed side answers, and the connection outlives many idle times', () => {
    const { a, b, ca } = establishedPair({ ...PROFILES.modern, ...KA });
    a.host.setOption(ca, 'keepAlive', true);
    let t = 3;
    for (let guard = 0; guard < 100 && t < 20_000; guard++) {
      t = Math.max(t, a.host.nextDeadline() ?? 20_000);
      a.host.poll(t);
      t = settle(a, b, t);
    }
    const probes = eventsOf(a, 'segment').filter((e) => e.dir === 'out' && e.reason === 'keepalive');
    expect(probes.length).toBeGreaterThanOrEqual(15);
    expect(eventsOf(b, 'segment').filter((e) => e.dir === 'out' && e.t > 3).length).toBe(probes.length); // one ACK each, after the handshake
    const st = a.host.status(ca);
    expect(st.ok && st.value.state).toBe('ESTABLISHED');
  });
});
