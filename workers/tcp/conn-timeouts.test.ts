// The idle timeout (a server policy) and the user timeout (RFC 9293 §3.10.8, RFC 5482), which end
// connections RFC 9293 would otherwise keep open for ever.
import { describe, expect, it } from 'vitest';
import { bytesOf, establishedPair, runUntil, sent, settle, stateOf, type Side } from './test-support/pair.ts';
import { eventsOf } from './test-support/templates.ts';

function timerLog(side: Side, timer: string): string[] {
  return eventsOf(side, 'timer').filter((e) => e.timer === timer).map((e) => (e.action === 'set' ? `set ${e.deadline}` : `${e.action} @${e.t}`));
}

describe('idleTimeout: abort a connection that received nothing for that long', () => {
  it('ESTABLISHED, nothing received for 5 s: RST, the socket fails with ETIMEDOUT naming the idle timeout', () => {
    const { a, b, ca, cb } = establishedPair({}, { idleTimeout: 5000 });
    // B last heard A at t=3 (the handshake's ACK); A sends once at t=2000.
    a.host.write(ca, bytesOf(10), 2000);
    runUntil(a, b, 2000, 60_000);
    // Armed for 3 + 5000; the data at 2010 moved the deadline, so it is armed again; then it expires.
    expect(timerLog(b, 'idle')).toEqual(['set 5003', 'fired @5003', 'set 7010', 'fired @7010']);
    const r = b.host.read(cb, 100, 8000);
    expect(r.ok && r.value.data.length).toBe(10);
    const again = b.host.read(cb, 100, 8000);
    expect(!again.ok && again.error).toEqual({ code: 'ETIMEDOUT', message: 'connection timed out: nothing received for 5000 ms (idleTimeout 5000 ms)' });
    expect(eventsOf(b, 'state').at(-1)).toMatchObject({ from: 'ESTABLISHED', to: 'CLOSED', cause: 'idle timeout / snd RST' });
    expect(stateOf(a, ca)).toBe('CLOSED'); // A got the RST
    const ra = a.host.read(ca, 1, 8000);
    expect(!ra.ok && ra.error.code).toBe('ECONNRESET');
  });

  it('idleTimeout 0 (the default) never arms the timer', () => {
    const { a, b } = establishedPair();
    runUntil(a, b, 3, 3_600_000);
    expect(timerLog(b, 'idle')).toEqual([]);
  });
});

describe('userTimeout: abort when sent data stays unacknowledged (RFC 9293 §3.10.8)', () => {
  // B's receive buffer is 1000 bytes and B never reads: its window shuts and stays shut.
  // RFC 9293 §3.8.6.1 keeps a connection open as long as the receiver answers the zero-window
  // probes; RFC 6429 lets a sender end it by its own policy, and the user timeout is that policy.
  const stalled = (aSettings: { userTimeout?: number }) => {
    const p = establishedPair(aSettings, { receiveBufferSize: 1000 });
    p.a.host.write(p.ca, bytesOf(5000), 10);
    return p;
  };

  it('a zero-window peer that answers every probe is dropped after userTimeout: RST, ETIMEDOUT', () => {
    const { a, b, ca, cb } = stalled({ userTimeout: 10_000 });
    runUntil(a, b, 10, 600_000);
    const probes = eventsOf(a, 'segment').filter((e) => e.dir === 'out' && e.reason === 'window-probe');
    expect(probes.length).toBeGreaterThanOrEqual(3);
    const err = eventsOf(a, 'error').at(-1);
    expect([err?.code, err?.message]).toEqual(['ETIMEDOUT', 'connection timed out: sent data unacknowledged for 10000 ms (userTimeout 10000 ms, RFC 9293 §3.10.8)']);
    // The 1000 bytes B took were acknowledged at t=30; the wait runs from there.
    expect(err?.t).toBe(10_030);
    expect(timerLog(a, 'user-timeout')).toEqual(['set 10010', 'fired @10010', 'set 10030', 'fired @10030']);
    const rst = eventsOf(a, 'segment').filter((e) => e.dir === 'out').at(-1);
    expect(rst?.reason).toBe('rst');
    expect(stateOf(b, cb)).toBe('CLOSED');
    expect(stateOf(a, ca)).toBe('CLOSED');
  });

  it('without a user timeout the same connection is probed for ever (still ESTABLISHED after 10 minutes)', () => {
    const { a, b, ca } = stalled({});
    runUntil(a, b, 10, 600_000);
    expect(stateOf(a, ca)).toBe('ESTABLISHED');
    expect(eventsOf(a, 'segment').filter((e) => e.dir === 'out' && e.reason === 'window-probe').length).toBeGreaterThan(10);
  });

  it('a silent peer: the user timeout ends the connection before the retransmissions run out', () => {
    const { a, ca } = establishedPair({ userTimeout: 3000 });
    a.host.write(ca, bytesOf(100), 10);
    void sent(a); // lost
    for (let i = 0; i < 20; i++) {
      const d = a.host.nextDeadline();
      if (d === null) break;
      a.host.poll(d);
      void sent(a); // every retransmission lost too
    }
    const err = eventsOf(a, 'error').at(-1);
    expect([err?.code, err?.t]).toEqual(['ETIMEDOUT', 3010]);
    expect(err?.message).toMatch(/userTimeout 3000 ms/);
  });

  it('the timer stops once everything is acknowledged', () => {
    const { a, b, ca } = establishedPair({ userTimeout: 3000 });
    a.host.write(ca, bytesOf(100), 10);
    settle(a, b, 10);
    expect(timerLog(a, 'user-timeout')).toEqual(['set 3010', 'cancelled @30']);
  });
});
