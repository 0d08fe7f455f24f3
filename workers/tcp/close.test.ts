// Scenario tests: connection termination (RFC 9293 §3.6) between two hosts. Single events in one
// state (resets, challenge ACKs, a FIN in FIN-WAIT-1, retransmitted FINs) are in states/*.test.ts.
import { describe, expect, it } from 'vitest';
import { establishedPair, B_ADDR, deliver, drain, makePair, nothingSent, one, sent, states, stateOf } from './test-support/pair.ts';

const X = 1000;
const Y = 5000;
const MSL = 5000;

const established = establishedPair;

describe('four-way close (RFC 9293 §3.6 Figure 12)', () => {
  it('FIN-WAIT-1 → FIN-WAIT-2 → TIME-WAIT → CLOSED on the active side; CLOSE-WAIT → LAST-ACK → CLOSED on the passive side', () => {
    const { a, b, ca, cb } = established();
    expect(a.host.close(ca, 100).ok).toBe(true);
    const fin = one(a);
    expect(fin.flags).toBe('FIN,ACK');
    expect([fin.seg.seq, fin.seg.ack]).toEqual([X + 1, Y + 1]); // continues the sequence space
    deliver(b, fin, 110);
    const ack = one(b);
    expect(ack.flags).toBe('ACK');
    expect([ack.seg.seq, ack.seg.ack]).toEqual([Y + 1, X + 2]); // the FIN took one sequence number
    expect(stateOf(b, cb)).toBe('CLOSE-WAIT');
    deliver(a, ack, 120);
    nothingSent(a);
    expect(stateOf(a, ca)).toBe('FIN-WAIT-2');

    const r = drain(b, cb, 130);
    expect(r.eof).toBe(true);
    expect(b.host.close(cb, 200).ok).toBe(true);
    const finB = one(b);
    expect(finB.flags).toBe('FIN,ACK');
    expect([finB.seg.seq, finB.seg.ack]).toEqual([Y + 1, X + 2]);
    deliver(a, finB, 210);
    const last = one(a);
    expect(last.flags).toBe('ACK'); // the last segment of a close carries no FIN
    expect([last.seg.seq, last.seg.ack]).toEqual([X + 2, Y + 2]);
    expect(stateOf(a, ca)).toBe('TIME-WAIT');
    deliver(b, last, 220);
    nothingSent(b);

    expect(a.host.nextDeadline()).toBe(210 + 2 * MSL);
    a.host.poll(210 + 2 * MSL - 1);
    expect(states(a, ca).at(-1)).toBe('TIME-WAIT');
    a.host.poll(210 + 2 * MSL);
    nothingSent(a);
    expect(states(a, ca)).toEqual(['CLOSED', 'SYN-SENT', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT', 'CLOSED']);
    expect(states(b, cb)).toEqual(['CLOSED', 'LISTEN', 'SYN-RECEIVED', 'ESTABLISHED', 'CLOSE-WAIT', 'LAST-ACK', 'CLOSED']);
    expect(a.host.nextDeadline()).toBeNull();
    expect(b.host.nextDeadline()).toBeNull();
    const cause = a.trace.filter((e) => e.type === 'state').at(-1);
    expect(cause?.type === 'state' && cause.cause).toBe('Timeout=2MSL / delete TCB');
  });
});

describe('half-close (RFC 9293 §3.6)', () => {
  it('after A shuts down, B keeps sending from CLOSE-WAIT and A receives it in FIN-WAIT-2', () => {
    const { a, b, ca, cb } = established();
    a.host.shutdown(ca, 100);
    deliver(b, one(a), 110);
    deliver(a, one(b), 120);
    expect(stateOf(a, ca)).toBe('FIN-WAIT-2');
    expect(stateOf(b, cb)).toBe('CLOSE-WAIT');

    const msg = new TextEncoder().encode('still talking from CLOSE-WAIT');
    expect(b.host.write(cb, msg, 130)).toEqual({ ok: true, value: msg.length });
    const data = one(b);
    expect(data.flags).toBe('PSH,ACK');
    expect(data.seg.seq).toBe(Y + 1);
    deliver(a, data, 140);
    const ack = one(a);
    expect(ack.seg.ack).toBe(Y + 1 + msg.length);
    expect(new TextDecoder().decode(drain(a, ca, 150).data)).toBe('still talking from CLOSE-WAIT');

    // A may not send any more.
    const w = a.host.write(ca, new Uint8Array(1), 150);
    expect(!w.ok && w.error.code).toBe('EPIPE');
    deliver(b, ack, 150);
    b.host.close(cb, 160);
    deliver(a, one(b), 170);
    expect(stateOf(a, ca)).toBe('TIME-WAIT');
    expect(drain(a, ca, 171).eof).toBe(true);
  });
});

describe('simultaneous close (RFC 9293 §3.6 Figure 13)', () => {
  it('FINs cross: FIN-WAIT-1 → CLOSING → TIME-WAIT on both sides, then CLOSED', () => {
    const { a, b, ca, cb } = established();
    a.host.close(ca, 100);
    b.host.close(cb, 100);
    const finA = one(a);
    const finB = one(b);
    expect([finA.flags, finB.flags]).toEqual(['FIN,ACK', 'FIN,ACK']);
    deliver(a, finB, 110);
    deliver(b, finA, 110);
    expect(stateOf(a, ca)).toBe('CLOSING');
    expect(stateOf(b, cb)).toBe('CLOSING');
    const ackA = one(a);
    const ackB = one(b);
    expect([ackA.flags, ackA.seg.seq, ackA.seg.ack]).toEqual(['ACK', X + 2, Y + 2]);
    expect([ackB.flags, ackB.seg.seq, ackB.seg.ack]).toEqual(['ACK', Y + 2, X + 2]);
    deliver(a, ackB, 120);
    deliver(b, ackA, 120);
    nothingSent(a);
    nothingSent(b);
    const path = ['CLOSED', 'SYN-SENT', 'ESTABLISHED', 'FIN-WAIT-1', 'CLOSING', 'TIME-WAIT'];
    expect(states(a, ca)).toEqual(path);
    expect(states(b, cb).slice(-3)).toEqual(['FIN-WAIT-1', 'CLOSING', 'TIME-WAIT']);
    a.host.poll(120 + 2 * MSL);
    b.host.poll(120 + 2 * MSL);
    expect(states(a, ca).at(-1)).toBe('CLOSED');
    expect(states(b, cb).at(-1)).toBe('CLOSED');
  });
});

describe('TIME-WAIT (RFC 9293 §3.6.1)', () => {
  it('re-acknowledges a retransmitted FIN and restarts the 2MSL timer', () => {
    const { a, b, ca, cb } = established();
    a.host.close(ca, 100);
    deliver(b, one(a), 110);
    deliver(a, one(b), 120);
    b.host.close(cb, 200);
    const finB = one(b);
    deliver(a, finB, 210);
    const lastAck = one(a); // lost on the way to B
    expect(lastAck.flags).toBe('ACK');
    expect(stateOf(a, ca)).toBe('TIME-WAIT');

    // B's FIN retransmits from LAST-ACK after its RTO.
    const d = b.host.nextDeadline()!;
    b.host.poll(d);
    const finAgain = one(b);
    expect([finAgain.flags, finAgain.seg.seq]).toEqual(['FIN,ACK', finB.seg.seq]);
    deliver(a, finAgain, d + 10);
    const reAck = one(a);
    expect([reAck.flags, reAck.seg.seq, reAck.seg.ack]).toEqual(['ACK', lastAck.seg.seq, lastAck.seg.ack]);
    expect(a.host.nextDeadline()).toBe(d + 10 + 2 * MSL);
    deliver(b, reAck, d + 20);
    expect(stateOf(b, cb)).toBe('CLOSED');
    expect(stateOf(a, ca)).toBe('TIME-WAIT');
  });
});

describe('user errors are refused with a reason', () => {
  it('port in use, bad ports, unknown sockets, writing after close', () => {
    const { a, b, ca } = established();
    expect(b.host.listen(80)).toMatchObject({ ok: false, error: { code: 'EADDRINUSE' } });
    expect(a.host.listen(0)).toMatchObject({ ok: false, error: { code: 'EINVAL' } });
    expect(a.host.connect({ remoteAddr: B_ADDR, remotePort: 80, localPort: 40000 }, 5)).toMatchObject({ ok: false, error: { code: 'EADDRINUSE' } });
    expect(a.host.connect({ remoteAddr: 'not-an-ip', remotePort: 80 }, 5)).toMatchObject({ ok: false, error: { code: 'EINVAL' } });
    expect(a.host.write(999, new Uint8Array(1), 5)).toMatchObject({ ok: false, error: { code: 'EBADF' } });
    a.host.close(ca, 6);
    expect(a.host.write(ca, new Uint8Array(1), 7)).toMatchObject({ ok: false, error: { code: 'EPIPE' } });
    expect(a.host.read(ca, 1, 7)).toMatchObject({ ok: false, error: { code: 'EBADF' } });
    void sent(a);
  });

  it('honours the listen backlog: a SYN beyond it is ignored', () => {
    const { a, b } = makePair({}, { a: X, b: Y });
    b.host.listen(80, 1);
    a.host.connect({ remoteAddr: B_ADDR, remotePort: 80 }, 0);
    a.host.connect({ remoteAddr: B_ADDR, remotePort: 80 }, 0);
    deliver(b, sent(a), 1);
    expect(sent(b).map((w) => w.flags)).toEqual(['SYN,ACK']);
    expect(b.trace.some((e) => e.type === 'drop' && e.reason === 'backlog-full')).toBe(true);
  });
});
