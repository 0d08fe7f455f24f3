// Connection limits per remote address and in all (maxConnectionsPerPeer, maxConnections), and
// abortPeer: ending every connection with one address at once (RFC 9293 §3.10.5 ABORT for each).
import { describe, expect, it } from 'vitest';
import { A_ADDR, B_ADDR, deliver, makeHost, makePair, one, sent, settle, stateOf, type Side } from './test-support/pair.ts';
import { eventsOf } from './test-support/templates.ts';

const C_ADDR = '10.0.0.3';

function connectTo(from: Side, localPort: number, now: number): number {
  const c = from.host.connect({ remoteAddr: B_ADDR, remotePort: 80, localPort }, now);
  if (!c.ok) throw new Error(c.error.message);
  return c.value;
}

describe('maxConnectionsPerPeer on a listener', () => {
  it('LISTEN, a SYN beyond the limit: RST,ACK, connect refused at once; drop peer-limit says the limit', () => {
    const { a, b } = makePair({}, { a: 1000 });
    b.host.configure({ maxConnectionsPerPeer: 2 });
    b.host.listen(80);
    const ids = [40000, 40001].map((p) => connectTo(a, p, 0));
    settle(a, b, 0);
    expect(ids.map((id) => stateOf(a, id))).toEqual(['ESTABLISHED', 'ESTABLISHED']);

    const third = connectTo(a, 40002, 100);
    deliver(b, one(a), 101);
    const rst = one(b);
    expect([rst.flags, rst.seg.seq, rst.seg.ack]).toEqual(['RST,ACK', 0, 1001]); // RFC 9293 §3.10.7.1 form
    deliver(a, rst, 102);
    const r = a.host.read(third, 1, 103);
    expect(!r.ok && r.error.code).toBe('ECONNREFUSED');
    const drop = eventsOf(b, 'drop').at(-1);
    expect([drop?.reason, drop?.detail]).toEqual([
      'peer-limit', 'connection limit: this host already has 2 connections with 10.0.0.1 (maxConnectionsPerPeer 2): RST sent',
    ]);
    expect(b.host.stats.dropped['peer-limit']).toBe(1);
  });

  it('another peer is not affected', () => {
    const { a, b } = makePair();
    b.host.configure({ maxConnectionsPerPeer: 1 });
    b.host.listen(80);
    const c = makeHost(C_ADDR, 3);
    connectTo(a, 40000, 0);
    settle(a, b, 0);
    const fromC = connectTo(c, 40000, 50);
    settle(c, b, 50);
    expect(stateOf(c, fromC)).toBe('ESTABLISHED');
    expect(b.host.connections().map((x) => x.remoteAddr)).toEqual([A_ADDR, C_ADDR]);
  });

  it('half-open connections count (a flood from one address holds at most the limit), TIME-WAIT does not', () => {
    const { a, b } = makePair();
    b.host.configure({ maxConnectionsPerPeer: 1 });
    b.host.listen(80);
    connectTo(a, 40000, 0);
    deliver(b, one(a), 1);
    void sent(b); // SYN,ACK lost: B holds a half-open connection with A
    connectTo(a, 40001, 2);
    deliver(b, one(a), 3);
    expect(one(b).flags).toBe('RST,ACK');

    // B closes first and sits in TIME-WAIT: A may connect again.
    const { a: a2, b: b2 } = makePair();
    b2.host.configure({ maxConnectionsPerPeer: 1 });
    b2.host.listen(80);
    const client = connectTo(a2, 40000, 0);
    let t = settle(a2, b2, 0);
    const served = b2.host.accept(80);
    if (!served.ok || served.value === null) throw new Error();
    b2.host.close(served.value, t);
    t = settle(a2, b2, t);
    a2.host.close(client, t); // A answers the FIN with its own
    t = settle(a2, b2, t);
    expect(stateOf(b2, served.value)).toBe('TIME-WAIT');
    const again = connectTo(a2, 40001, t);
    settle(a2, b2, t);
    expect(stateOf(a2, again)).toBe('ESTABLISHED');
  });
});

describe('limits on active opens', () => {
  it('connect() beyond maxConnectionsPerPeer fails with ENOBUFS and sends nothing', () => {
    const { a } = makePair({ maxConnectionsPerPeer: 1 });
    connectTo(a, 40000, 0);
    void sent(a);
    const r = a.host.connect({ remoteAddr: B_ADDR, remotePort: 81 }, 1);
    expect(r).toEqual({ ok: false, error: { code: 'ENOBUFS', message: 'connection limit: this host already has 1 connections with 10.0.0.2 (maxConnectionsPerPeer 1)' } });
    expect(sent(a)).toEqual([]);
    expect(a.host.connect({ remoteAddr: C_ADDR, remotePort: 80 }, 2).ok).toBe(true);
  });

  it('maxConnections counts every peer: the third connection on the host is refused', () => {
    const { a, b } = makePair();
    b.host.configure({ maxConnections: 2 });
    b.host.listen(80);
    const c = makeHost(C_ADDR, 3);
    connectTo(a, 40000, 0);
    settle(a, b, 0);
    connectTo(c, 40000, 10);
    settle(c, b, 10);
    connectTo(c, 40001, 100);
    deliver(b, one(c), 101);
    expect(one(b).flags).toBe('RST,ACK');
    expect(eventsOf(b, 'drop').at(-1)?.detail).toBe('connection limit: this host already has 2 connections (maxConnections 2): RST sent');
    expect(b.host.connect({ remoteAddr: '10.0.0.4', remotePort: 80 }, 102)).toMatchObject({ ok: false, error: { code: 'ENOBUFS' } });
  });
});

describe('abortPeer', () => {
  function served() {
    const { a, b } = makePair();
    b.host.listen(80);
    const c = makeHost(C_ADDR, 3);
    const fromA = [40000, 40001].map((p) => connectTo(a, p, 0));
    settle(a, b, 0);
    const fromC = connectTo(c, 40000, 0);
    settle(c, b, 0);
    const ids: number[] = [];
    for (;;) {
      const r = b.host.accept(80);
      if (!r.ok || r.value === null) break;
      ids.push(r.value);
    }
    return { a, b, c, fromA, fromC, ids };
  }

  it('ends every connection with one address: an RST each, the sockets fail with ECONNABORTED, others stay', () => {
    const { a, b, c, fromA, fromC, ids } = served();
    void b.host.takeEvents();
    expect(b.host.abortPeer(A_ADDR, 100)).toEqual({ ok: true, value: 2 });
    const rsts = sent(b);
    expect(rsts.map((w) => [w.flags, w.seg.dstPort])).toEqual([['RST', 40000], ['RST', 40001]]);
    expect(ids.map((id) => stateOf(b, id))).toEqual(['CLOSED', 'CLOSED', 'ESTABLISHED']);
    const r = b.host.read(ids[0]!, 1, 101);
    expect(!r.ok && r.error).toEqual({ code: 'ECONNABORTED', message: 'connection aborted by this host: every connection with 10.0.0.1 was ended (abortPeer)' });
    expect(b.host.takeEvents().filter((e) => e.kind === 'error').map((e) => e.conn)).toEqual([ids[0], ids[1]]);
    deliver(a, rsts, 102);
    expect(fromA.map((id) => stateOf(a, id))).toEqual(['CLOSED', 'CLOSED']);
    expect(stateOf(c, fromC)).toBe('ESTABLISHED');
  });

  it('with reset false (the peer is gone) nothing is sent; an address that is none is refused', () => {
    const { b, ids } = served();
    expect(b.host.abortPeer(A_ADDR, 100, { reset: false })).toEqual({ ok: true, value: 2 });
    expect(sent(b)).toEqual([]);
    expect(ids.map((id) => stateOf(b, id))).toEqual(['CLOSED', 'CLOSED', 'ESTABLISHED']);
    expect(b.host.abortPeer('10.0.0.99', 101)).toEqual({ ok: true, value: 0 });
    expect(b.host.abortPeer('nobody', 102)).toMatchObject({ ok: false, error: { code: 'EINVAL' } });
  });
});
