// Scenario tests: connection establishment (RFC 9293 §3.5, §3.10.7).
import { describe, expect, it } from 'vitest';
import { B_ADDR, A_ADDR, deliver, makePair, nothingSent, one, sent, states, stateOf } from './test-support/pair.ts';
import { Flag } from './wire/types.ts';

const X = 1000; // A's ISS
const Y = 5000; // B's ISS

describe('three-way handshake (RFC 9293 §3.5 Figure 6)', () => {
  it('SYN seq=x; SYN,ACK seq=y ack=x+1; ACK seq=x+1 ack=y+1, with MSS negotiated', () => {
    const { a, b } = makePair({}, { a: X, b: Y });
    expect(b.host.listen(80).ok).toBe(true);
    const c = a.host.connect({ remoteAddr: B_ADDR, remotePort: 80, localPort: 40000 }, 0);
    if (!c.ok) throw new Error(c.error.message);

    const syn = one(a);
    expect(syn.flags).toBe('SYN');
    expect(syn.seg.seq).toBe(X);
    expect(syn.seg.options.mss).toBe(1460);
    expect(stateOf(a, c.value)).toBe('SYN-SENT');

    deliver(b, syn, 10);
    const synAck = one(b);
    expect(synAck.flags).toBe('SYN,ACK');
    expect(synAck.seg.seq).toBe(Y);
    expect(synAck.seg.ack).toBe(X + 1);
    expect(synAck.seg.options.mss).toBe(1460);

    deliver(a, synAck, 20);
    const ack = one(a);
    expect(ack.flags).toBe('ACK'); // the third segment carries no SYN
    expect(ack.seg.seq).toBe(X + 1);
    expect(ack.seg.ack).toBe(Y + 1);
    expect(ack.seg.payload.length).toBe(0);

    deliver(b, ack, 30);
    nothingSent(a);
    nothingSent(b);
    expect(states(a)).toEqual(['CLOSED', 'SYN-SENT', 'ESTABLISHED']);
    expect(states(b)).toEqual(['CLOSED', 'LISTEN', 'SYN-RECEIVED', 'ESTABLISHED']);
    const accepted = b.host.accept(80);
    expect(accepted.ok && accepted.value).toBeTypeOf('number');
    const st = a.host.status(c.value);
    expect(st.ok && st.value.sndUna).toBe(X + 1);
    expect(st.ok && st.value.rcvNxt).toBe(Y + 1);
  });

  it('the state causes read like the diagram', () => {
    const { a, b } = makePair({}, { a: X, b: Y });
    b.host.listen(80);
    a.host.connect({ remoteAddr: B_ADDR, remotePort: 80 }, 0);
    deliver(b, one(a), 1);
    deliver(a, one(b), 2);
    deliver(b, one(a), 3);
    const causes = (t: typeof a.trace) => t.flatMap((e) => (e.type === 'state' ? [`${e.from}→${e.to}: ${e.cause}`] : []));
    expect(causes(a.trace)).toEqual(['CLOSED→SYN-SENT: active OPEN / create TCB, snd SYN', 'SYN-SENT→ESTABLISHED: rcv SYN,ACK / snd ACK']);
    expect(causes(b.trace)).toEqual([
      'CLOSED→LISTEN: passive OPEN / create TCB',
      'LISTEN→SYN-RECEIVED: rcv SYN / snd SYN,ACK',
      'SYN-RECEIVED→ESTABLISHED: rcv ACK of SYN / x',
    ]);
  });

  it('uses the smaller MSS: the peer advertises 536, we send 536-byte segments (§3.7.1)', () => {
    const { a, b } = makePair({}, { a: X, b: Y });
    b.host.configure({ mss: 536 });
    b.host.listen(80);
    const c = a.host.connect({ remoteAddr: B_ADDR, remotePort: 80 }, 0);
    if (!c.ok) throw new Error();
    deliver(b, one(a), 1);
    deliver(a, one(b), 2);
    deliver(b, one(a), 3);
    a.host.write(c.value, new Uint8Array(1200), 4);
    expect(sent(a).map((w) => w.seg.payload.length)).toEqual([536, 536, 128]);
  });

  it('assumes 536 when the SYN has no MSS option (§3.7.1)', async () => {
    const { a, b } = makePair({}, { a: X, b: Y });
    b.host.listen(80);
    const { encodePacket } = await import('./wire/packet.ts');
    const { parseIpv4Address } = await import('./wire/address.ts');
    const syn = encodePacket({ src: parseIpv4Address(A_ADDR)!, dst: parseIpv4Address(B_ADDR)! }, {
      srcPort: 1234, dstPort: 80, seq: 77, ack: 0, flags: Flag.SYN, window: 8192, urgent: 0, options: {}, payload: new Uint8Array(0),
    });
    b.host.input(syn, 0);
    const synAck = one(b);
    expect(synAck.seg.ack).toBe(78);
    const conn = b.host.connections()[0]!;
    const st = b.host.status(conn.id);
    expect(st.ok && st.value.sndMss).toBe(536);
  });
});

describe('simultaneous open (RFC 9293 §3.5 Figure 8)', () => {
  it('both sides go SYN-SENT → SYN-RECEIVED → ESTABLISHED, never back to SYN-SENT', () => {
    const { a, b } = makePair({}, { a: X, b: Y });
    const ca = a.host.connect({ remoteAddr: B_ADDR, remotePort: 6000, localPort: 5000 }, 0);
    const cb = b.host.connect({ remoteAddr: A_ADDR, remotePort: 5000, localPort: 6000 }, 0);
    if (!ca.ok || !cb.ok) throw new Error('connect failed');
    const synA = one(a);
    const synB = one(b);
    expect([synA.flags, synB.flags]).toEqual(['SYN', 'SYN']);

    // The SYNs cross.
    deliver(a, synB, 10);
    deliver(b, synA, 10);
    const saA = one(a);
    const saB = one(b);
    expect(saA.flags).toBe('SYN,ACK');
    expect([saA.seg.seq, saA.seg.ack]).toEqual([X, Y + 1]);
    expect(saB.flags).toBe('SYN,ACK');
    expect([saB.seg.seq, saB.seg.ack]).toEqual([Y, X + 1]);
    expect(stateOf(a, ca.value)).toBe('SYN-RECEIVED');
    expect(stateOf(b, cb.value)).toBe('SYN-RECEIVED');

    deliver(a, saB, 20);
    deliver(b, saA, 20);
    nothingSent(a);
    nothingSent(b);
    expect(states(a)).toEqual(['CLOSED', 'SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED']);
    expect(states(b)).toEqual(['CLOSED', 'SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED']);
    const st = a.host.status(ca.value);
    expect(st.ok && [st.value.sndUna, st.value.rcvNxt]).toEqual([X + 1, Y + 1]);
  });
});

describe('connection refused (RFC 9293 §3.10.7.1)', () => {
  it('a SYN to a closed port gets RST,ACK seq=0 ack=x+1 and connect fails with ECONNREFUSED', () => {
    const { a, b } = makePair({}, { a: X, b: Y });
    const c = a.host.connect({ remoteAddr: B_ADDR, remotePort: 81 }, 0);
    if (!c.ok) throw new Error();
    deliver(b, one(a), 1);
    const rst = one(b);
    expect(rst.flags).toBe('RST,ACK');
    expect([rst.seg.seq, rst.seg.ack]).toEqual([0, X + 1]);
    deliver(a, rst, 2);
    nothingSent(a);
    expect(states(a)).toEqual(['CLOSED', 'SYN-SENT', 'CLOSED']);
    const r = a.host.read(c.value, 100, 3);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('ECONNREFUSED');
      expect(r.error.message).toMatch(/refused/);
    }
    expect(b.trace.some((e) => e.type === 'drop' && e.reason === 'no-listener')).toBe(true);
  });

  it('an ACK to a closed port gets RST seq=SEG.ACK', async () => {
    const { b } = makePair({}, { a: X, b: Y });
    const { encodePacket } = await import('./wire/packet.ts');
    const { parseIpv4Address } = await import('./wire/address.ts');
    b.host.input(encodePacket({ src: parseIpv4Address(A_ADDR)!, dst: parseIpv4Address(B_ADDR)! }, {
      srcPort: 1234, dstPort: 99, seq: 10, ack: 4242, flags: Flag.ACK, window: 100, urgent: 0, options: {}, payload: new Uint8Array(3),
    }), 0);
    const rst = one(b);
    expect(rst.flags).toBe('RST');
    expect(rst.seg.seq).toBe(4242);
  });

  it('an RST to a closed port is dropped without an answer', async () => {
    const { b } = makePair({}, { a: X, b: Y });
    const { encodePacket } = await import('./wire/packet.ts');
    const { parseIpv4Address } = await import('./wire/address.ts');
    b.host.input(encodePacket({ src: parseIpv4Address(A_ADDR)!, dst: parseIpv4Address(B_ADDR)! }, {
      srcPort: 1234, dstPort: 99, seq: 10, ack: 0, flags: Flag.RST, window: 0, urgent: 0, options: {}, payload: new Uint8Array(0),
    }), 0);
    nothingSent(b);
  });
});

describe('SYN retransmission and giving up (RFC 9293 §3.8.1, RFC 6298)', () => {
  it('retransmits the SYN at 1, 3, 7, 15 s and fails with ETIMEDOUT at 31 s', () => {
    const { a } = makePair({ synRetries: 4 }, { a: X, b: Y });
    const c = a.host.connect({ remoteAddr: B_ADDR, remotePort: 80 }, 0);
    if (!c.ok) throw new Error();
    expect(one(a).flags).toBe('SYN');
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const d = a.host.nextDeadline();
      if (d === null) break;
      a.host.poll(d);
      const out = sent(a);
      if (out.length > 0) {
        expect(out.map((w) => [w.flags, w.seg.seq])).toEqual([['SYN', X]]);
        times.push(d);
      }
    }
    expect(times).toEqual([1000, 3000, 7000, 15000]);
    expect(stateOf(a, c.value)).toBe('CLOSED');
    const r = a.host.read(c.value, 1, 31000);
    expect(!r.ok && r.error.code).toBe('ETIMEDOUT');
    expect(!r.ok && r.error.message).toMatch(/5 transmissions of the SYN/);
    expect(a.trace.filter((e) => e.type === 'segment' && e.dir === 'out' && e.reason === 'retransmit')).toHaveLength(4);
  });

  it('a lost SYN,ACK: the server retransmits it on its own timer and on the client\'s repeated SYN', () => {
    const { a, b } = makePair({}, { a: X, b: Y });
    b.host.listen(80);
    a.host.connect({ remoteAddr: B_ADDR, remotePort: 80 }, 0);
    deliver(b, one(a), 5);
    expect(one(b).flags).toBe('SYN,ACK'); // lost
    a.host.poll(1000);
    const syn2 = one(a);
    expect(syn2.flags).toBe('SYN');
    b.host.poll(1000);
    nothingSent(b);
    deliver(b, syn2, 1005);
    const again = one(b);
    expect([again.flags, again.seg.seq, again.seg.ack]).toEqual(['SYN,ACK', Y, X + 1]);
    b.host.poll(1005);
    const timerResend = one(b); // the SYN,ACK's own retransmission timer (1 s after the first)
    expect(timerResend.flags).toBe('SYN,ACK');
    deliver(a, again, 1010);
    expect(one(a).flags).toBe('ACK');
  });
});
