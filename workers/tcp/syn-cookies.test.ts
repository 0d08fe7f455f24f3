// SYN cookies (RFC 4987 §3.6) and the full backlog (RFC 9293 §3.10.7.2, RFC 4987 §3.4).
import { describe, expect, it } from 'vitest';
import { A_ADDR, B_ADDR, bytesOf, deliver, drain, makePair, nothingSent, one, sent, settle, states, type Side } from './test-support/pair.ts';
import { eventsOf, packet, send } from './test-support/templates.ts';
import { COOKIE_MSS, COOKIE_PERIOD, SynCookieJar } from './syn-cookies.ts';
import { createSeededRandom } from './random.ts';
import { PROFILES } from './settings.ts';

const X = 1000; // A's ISS

/** B listens on port 80 with `backlog`; a spoofed SYN from 10.9.9.9 fills each slot. */
function fullListener(backlog: number, settings = { synCookies: true }) {
  const { a, b } = makePair(settings, { a: X });
  b.host.listen(80, backlog);
  for (let i = 0; i < backlog; i++) {
    const out = send(b, { src: '10.9.9.9', dst: B_ADDR, srcPort: 2000 + i, dstPort: 80, seq: 77, flags: 'SYN' }, 0);
    expect(out.map((w) => w.flags)).toEqual(['SYN,ACK']); // a half-open connection each
  }
  return { a, b };
}

/** A connects to B:80 at `now`; returns A's socket and its SYN, not yet delivered. */
function connectA(a: Side, now: number) {
  const c = a.host.connect({ remoteAddr: B_ADDR, remotePort: 80, localPort: 40000 }, now);
  if (!c.ok) throw new Error(c.error.message);
  return { ca: c.value, syn: one(a) };
}

describe('SYN cookies: a full backlog answers without keeping state (RFC 4987 §3.6)', () => {
  it('LISTEN, backlog full, rcv SYN: SYN,ACK with a cookie ISN and only MSS; no TCB; syn-cookies on', () => {
    const { a, b } = fullListener(1);
    const { syn } = connectA(a, 10);
    deliver(b, syn, 11);
    const synAck = one(b);
    expect([synAck.flags, synAck.seg.ack, synAck.seg.options]).toEqual(['SYN,ACK', X + 1, { mss: 1460 }]);
    expect(b.host.connections()).toHaveLength(1); // only the spoofed half-open one
    const out = eventsOf(b, 'segment').filter((e) => e.dir === 'out');
    expect(out.at(-1)?.reason).toBe('syn-cookie');
    expect(eventsOf(b, 'syn-cookies').map((e) => [e.port, e.action])).toEqual([[80, 'on']]);
    expect(b.host.stats.synCookies.sent).toBe(1);
  });

  it('the cookie ACK creates the connection in ESTABLISHED, with the MSS the cookie carries, and data flows both ways', () => {
    const { a, b } = fullListener(1);
    a.host.configure({ mss: 1300 }); // the cookie's table rounds 1300 down to 1220
    const { ca, syn } = connectA(a, 10);
    deliver(b, syn, 11);
    deliver(a, one(b), 12);
    const ack = one(a);
    expect(ack.flags).toBe('ACK');
    deliver(b, ack, 13);
    const conn = b.host.connections().find((c) => c.remoteAddr === A_ADDR)!;
    expect(conn.state).toBe('ESTABLISHED');
    expect(states(b, conn.id)).toEqual(['CLOSED', 'LISTEN', 'ESTABLISHED']);
    expect(eventsOf(b, 'state').filter((e) => e.conn === conn.id).at(-1)?.cause).toBe('rcv ACK (valid SYN cookie)');
    const acc = b.host.accept(80);
    expect(acc).toEqual({ ok: true, value: conn.id });
    const st = b.host.status(conn.id);
    expect(st.ok && [st.value.sndMss, st.value.rcvNxt, st.value.sndUna]).toEqual([1220, X + 1, (ack.seg.ack) >>> 0]);

    const up = bytesOf(5000, 1);
    a.host.write(ca, up, 20);
    let t = settle(a, b, 20);
    expect(drain(b, conn.id, t).data).toEqual(up);
    const down = bytesOf(3000, 2);
    b.host.write(conn.id, down, t);
    t = settle(a, b, t);
    expect(drain(a, ca, t).data).toEqual(down);
    expect(b.host.stats.synCookies.accepted).toBe(1);
  });

  it('a modern client: the cookie SYN,ACK offers no window scale, SACK or timestamps, so neither side uses them', () => {
    const { a, b } = makePair({}, { a: X });
    a.host.configure(PROFILES.modern);
    b.host.configure(PROFILES.modern);
    b.host.listen(80, 1);
    void send(b, { src: '10.9.9.9', dst: B_ADDR, srcPort: 2000, dstPort: 80, seq: 77, flags: 'SYN' }, 0);
    const { ca, syn } = connectA(a, 10);
    expect(syn.seg.options.timestamps).toBeDefined();
    deliver(b, syn, 11);
    const synAck = one(b);
    expect(synAck.seg.options).toEqual({ mss: 1460 });
    deliver(a, synAck, 12);
    deliver(b, sent(a), 13);
    a.host.write(ca, bytesOf(100), 14);
    const data = one(a);
    expect(data.seg.options).toEqual({}); // no timestamps after a cookie handshake
    deliver(b, data, 15);
    const conn = b.host.connections().find((c) => c.remoteAddr === A_ADDR)!;
    expect(conn.state).toBe('ESTABLISHED');
  });

  it('LISTEN, rcv ACK with a forged cookie: RST <SEQ=SEG.ACK> (RFC 9293 §3.10.7.2), no TCB', () => {
    const { a, b } = fullListener(1);
    const { syn } = connectA(a, 10);
    deliver(b, syn, 11);
    const cookie = one(b).seg.seq;
    const forged = (cookie ^ 0x00001234) >>> 0;
    const out = send(b, { src: A_ADDR, dst: B_ADDR, srcPort: 40000, dstPort: 80, seq: X + 1, ack: forged + 1, flags: 'ACK' }, 12);
    expect(out.map((w) => [w.flags, w.seg.seq])).toEqual([['RST', forged + 1]]);
    expect(b.host.connections()).toHaveLength(1);
    expect(eventsOf(b, 'drop').at(-1)?.detail).toMatch(/not a SYN cookie of this host/);
    expect(b.host.stats.synCookies.refused).toBe(1);
  });

  it('a cookie is valid in its 64 s step and the next: accepted at 127.999 s, refused (stale) at 128 s', () => {
    for (const [at, ok] of [[2 * COOKIE_PERIOD - 1, true], [2 * COOKIE_PERIOD, false]] as const) {
      const { a, b } = fullListener(1);
      const { syn } = connectA(a, 0);
      deliver(b, syn, 0); // made in step 0
      deliver(a, one(b), 1);
      const ack = one(a);
      b.host.input(ack.bytes, at);
      const out = sent(b);
      if (ok) {
        expect(out).toEqual([]);
        expect(b.host.connections().some((c) => c.remoteAddr === A_ADDR && c.state === 'ESTABLISHED')).toBe(true);
      } else {
        expect(out.map((w) => [w.flags, w.seg.seq])).toEqual([['RST', ack.seg.ack]]);
        expect(eventsOf(b, 'drop').at(-1)?.detail).toMatch(/stale SYN cookie: made 2 steps of 64 s ago, valid for 2/);
        expect(b.host.connections().some((c) => c.remoteAddr === A_ADDR)).toBe(false);
      }
    }
  });

  it('a stray ACK to a listener that sent no cookie is refused as before (no cookie check)', () => {
    const { b } = makePair({ synCookies: true });
    b.host.listen(80);
    const out = send(b, { src: A_ADDR, dst: B_ADDR, srcPort: 40000, dstPort: 80, seq: 5, ack: 4242, flags: 'ACK' }, 0);
    expect(out.map((w) => [w.flags, w.seg.seq])).toEqual([['RST', 4242]]);
    expect(eventsOf(b, 'drop').at(-1)?.reason).toBe('no-listener');
  });

  it('a flood of 10,000 SYNs from spoofed addresses and ports never denies a genuine client, and the table stays at the backlog', () => {
    const { a, b } = makePair({ synCookies: true }, { a: X });
    b.host.listen(80); // backlog 16
    const forA = (p: Uint8Array): boolean => p[16] === 10 && p[17] === 0 && p[18] === 0 && p[19] === 1;
    let maxTable = 0;
    let ca = -1;
    let established = -1;
    for (let i = 0; i < 10_000; i++) {
      const t = i; // one SYN a millisecond for 10 s
      b.host.input(packet({ src: `10.1.${(i >> 8) & 255}.${i & 255}`, dst: B_ADDR, srcPort: 1024 + (i % 60000), dstPort: 80, seq: i * 7919, flags: 'SYN' }), t);
      if (i === 5000) {
        const c = connectA(a, t);
        ca = c.ca;
        deliver(b, c.syn, t);
      }
      const d = b.host.nextDeadline();
      if (d !== null && d <= t) b.host.poll(t);
      // A and B talk; B's answers to the spoofed addresses are lost.
      for (let k = 0; k < 4; k++) {
        const fromB = b.host.takeOutput().filter(forA);
        const fromA = a.host.takeOutput();
        if (fromB.length === 0 && fromA.length === 0) break;
        for (const p of fromB) a.host.input(p, t);
        for (const p of fromA) b.host.input(p, t);
      }
      maxTable = Math.max(maxTable, b.host.connections().length);
      if (established < 0 && ca >= 0) {
        const st = a.host.status(ca);
        if (st.ok && st.value.state === 'ESTABLISHED') established = t;
      }
    }
    expect(established).toBe(5000); // at once: the cookie SYN,ACK answered its first SYN
    expect(maxTable).toBeLessThanOrEqual(17); // 16 half-open + the genuine client
    const accepted = b.host.accept(80);
    expect(accepted.ok && accepted.value).toBeTypeOf('number');
    expect(b.host.stats.synCookies.sent).toBeGreaterThan(9_900);
    expect(eventsOf(b, 'syn-cookies').map((e) => e.action)).toEqual(['on']);
  });

  it('syn-cookies off once the backlog is half empty again (the flood\'s half-open connections time out)', () => {
    const { a, b } = fullListener(4);
    const { syn } = connectA(a, 10);
    deliver(b, syn, 10);
    expect(sent(b).map((w) => w.flags)).toEqual(['SYN,ACK']); // a cookie
    // The spoofed peers never answer: their SYN,ACKs are retransmitted, then the TCBs are deleted.
    for (let i = 0; i < 20; i++) {
      const d = b.host.nextDeadline();
      if (d === null) break;
      b.host.poll(d);
      void sent(b);
    }
    expect(b.host.connections()).toHaveLength(0);
    expect(eventsOf(b, 'syn-cookies').map((e) => [e.action, e.detail])).toEqual([
      ['on', expect.stringMatching(/backlog of port 80 is full \(4 of 4\)/)],
      ['off', expect.stringMatching(/half empty again \(2 of 4\)/)],
    ]);
  });

  it('a SYN that finds room again turns cookies off and gets a full SYN,ACK', () => {
    const { a, b } = fullListener(4);
    const { syn } = connectA(a, 10);
    deliver(b, syn, 10);
    expect(eventsOf(b, 'segment').filter((e) => e.dir === 'out').at(-1)?.reason).toBe('syn-cookie');
    void sent(b);
    // One spoofed peer resets its half-open connection: SYN-RECEIVED → LISTEN (Figure 5 note 1).
    void send(b, { src: '10.9.9.9', dst: B_ADDR, srcPort: 2000, dstPort: 80, seq: 78, flags: 'RST' }, 20);
    expect(b.host.connections()).toHaveLength(3);
    expect(eventsOf(b, 'syn-cookies').map((e) => e.action)).toEqual(['on']); // 3 of 4: not half empty
    const again = a.host.connect({ remoteAddr: B_ADDR, remotePort: 80, localPort: 40001 }, 30);
    if (!again.ok) throw new Error(again.error.message);
    deliver(b, one(a), 31);
    const synAck = one(b);
    expect(eventsOf(b, 'segment').filter((e) => e.dir === 'out').at(-1)?.reason).toBe('syn-ack');
    expect(synAck.seg.options.mss).toBe(1460);
    expect(eventsOf(b, 'syn-cookies').map((e) => [e.action, e.detail])).toEqual([
      ['on', expect.any(String)],
      ['off', expect.stringMatching(/has room again \(3 of 4\)/)],
    ]);
  });
});

describe('a full backlog without SYN cookies (synCookies false)', () => {
  it('a SYN is ignored while the oldest half-open connection is younger than the initial RTO', () => {
    const { a, b } = fullListener(1, { synCookies: false });
    const { syn } = connectA(a, 500);
    deliver(b, syn, 500);
    nothingSent(b);
    expect(eventsOf(b, 'drop').at(-1)?.reason).toBe('backlog-full');
  });

  it('a SYN recycles the oldest half-open connection once it waited the initial RTO (RFC 4987 §3.4)', () => {
    const { a, b } = fullListener(1, { synCookies: false });
    const spoofed = b.host.connections()[0]!.id;
    const { syn } = connectA(a, 1000);
    deliver(b, syn, 1000); // the spoofed entry is 1000 ms old: recycled
    expect(one(b).flags).toBe('SYN,ACK');
    expect(eventsOf(b, 'state').filter((e) => e.conn === spoofed).at(-1)).toMatchObject({
      from: 'SYN-RECEIVED', to: 'LISTEN', cause: 'backlog full / recycle oldest half-open (RFC 4987 §3.4)',
    });
    expect(b.host.connections().map((c) => c.remoteAddr)).toEqual([A_ADDR]);
  });

  it('the textbook profile has no SYN cookies; the modern one has', () => {
    expect(PROFILES.textbook.synCookies).toBe(false);
    expect(PROFILES.modern.synCookies).toBe(true);
  });
});

describe('the cookie encoding', () => {
  const tuple = { localAddr: 0x0a000002, localPort: 80, remoteAddr: 0x0a000001, remotePort: 40000 };

  it('carries the step in the top 5 bits and the MSS index in the next 3; the MSS rounds down (to 64 at least)', () => {
    const jar = new SynCookieJar(createSeededRandom(9));
    const now = 5 * COOKIE_PERIOD + 10;
    for (const [peer, got] of [[1460, 1460], [1459, 1440], [536, 536], [600, 536], [40, 64], [9000, 1460]] as const) {
      const c = jar.make(tuple, 1234, peer, now);
      expect(c >>> 27).toBe(5);
      expect(COOKIE_MSS[(c >>> 24) & 7]).toBe(got);
      expect(jar.check(tuple, 1234, c, now)).toEqual({ ok: true, mss: got });
    }
  });

  it('the hash covers the MSS index, the peer ISN and the 4-tuple: change any and the cookie is refused', () => {
    const jar = new SynCookieJar(createSeededRandom(9));
    const c = jar.make(tuple, 1234, 536, 0);
    const biggerMss = ((c & ~(7 << 24)) | (7 << 24)) >>> 0;
    expect(jar.check(tuple, 1234, biggerMss, 0).ok).toBe(false);
    expect(jar.check(tuple, 1235, c, 0).ok).toBe(false);
    expect(jar.check({ ...tuple, remotePort: 40001 }, 1234, c, 0).ok).toBe(false);
    // Another host's secret: not ours.
    expect(new SynCookieJar(createSeededRandom(10)).check(tuple, 1234, c, 0).ok).toBe(false);
  });
});
