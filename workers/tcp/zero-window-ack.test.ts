// RFC 9293 §3.10.7.4: "If the RCV.WND is zero, no segments will be acceptable, but special allowance
// should be made to accept valid ACKs." A zero-window probe carries one new byte (§3.8.6.1), which
// moves the prober's SND.NXT one past the peer's window; the prober's later pure ACKs must still be
// acceptable to that peer, so they carry the window's right edge, as Linux does (tcp_acceptable_seq).
import { describe, expect, it } from 'vitest';
import { bytesOf, drain, establishedPair, runUntil } from './test-support/pair.ts';
import { eventsOf } from './test-support/templates.ts';

describe('a pure ACK stays acceptable to a peer whose window our probe overran', () => {
  it('A never reads (window 0, probed by B with a new byte); B\'s ACKs of A\'s data are still taken', () => {
    // A's receive buffer is 1000 bytes and A never reads; B's sends 5000 bytes, so B probes A's zero
    // window. Meanwhile A sends 20,000 bytes to B, which reads them all.
    const { a, b, ca, cb } = establishedPair({ receiveBufferSize: 1000 }, { receiveBufferSize: 65_536 });
    b.host.write(cb, bytesOf(5000, 1), 10);
    let t = runUntil(a, b, 10, 5_000); // B's persist timer fires at least once: a probe byte is out
    expect(eventsOf(b, 'segment').some((e) => e.dir === 'out' && e.reason === 'window-probe')).toBe(true);
    const sentData = bytesOf(20_000, 2);
    let written = 0;
    const got: Uint8Array[] = [];
    t = runUntil(a, b, t, t + 30_000, (now) => {
      if (written < sentData.length) {
        const w = a.host.write(ca, sentData.subarray(written), now);
        if (w.ok) written += w.value;
      }
      got.push(drain(b, cb, now).data);
    });
    expect(written).toBe(sentData.length);
    const st = a.host.status(ca);
    expect(st.ok && st.value.sndUna - st.value.iss - 1).toBe(sentData.length); // all of it acknowledged
    // Not one of B's ACKs was refused by A, so A never had to retransmit.
    const refused = eventsOf(a, 'drop').filter((e) => e.reason === 'unacceptable');
    expect(refused.map((e) => e.detail)).toEqual([]);
    expect(eventsOf(a, 'segment').filter((e) => e.dir === 'out' && e.reason === 'retransmit').map((e) => e.seg.seq)).toEqual([]);
    expect(Buffer.concat(got).equals(Buffer.from(sentData))).toBe(true);
  });
});
