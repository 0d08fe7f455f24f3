// Both ends' RFC 9293 paths (§3.3.2 state diagram, §3.10.7 event rules) inferred from the
// fixtures, checked against what make-fixtures.sh's scenarios did: who opened, who closed first.
import { describe, expect, it } from 'vitest';
import { openCapture, type ConversationDetail } from './open-capture.ts';
import { fixture, framesOf, pcapFile } from './test-files.ts';

function path(d: ConversationDetail, side: 'a' | 'b'): string {
  const p = d.paths[side];
  return [p.initial, ...p.steps.map((s) => `${s.to}@${s.frame}${s.uncertain ? '?' : ''}`)].join(' ');
}

const only = (name: string) => {
  const r = openCapture(fixture(name));
  expect(r.details).toHaveLength(1);
  return r.details[0]!;
};

describe('state paths of the fixtures', () => {
  it('handshake and close: the client (closing first) ends in TIME-WAIT, the server goes LISTEN…LAST-ACK→CLOSED', () => {
    for (const name of ['handshake-close.pcap', 'ipv6.pcap', 'any-sll2.pcap']) {
      const d = only(name);
      // scenarios.py handshake_close: client connects, hello/world, client closes, then server.
      expect(path(d, 'a'), name).toBe('CLOSED SYN-SENT@1 ESTABLISHED@2 FIN-WAIT-1@8 FIN-WAIT-2@9 TIME-WAIT@10');
      expect(path(d, 'b'), name).toBe('LISTEN SYN-RECEIVED@1 ESTABLISHED@3 CLOSE-WAIT@8 LAST-ACK@10 CLOSED@11');
      expect(d.paths.a.notes).toContain('TIME-WAIT lasts 2·MSL (RFC 9293 §3.10.7.4): its end is after the capture');
      expect(d.conversation).toMatchObject({ opening: 'handshake', ending: 'FIN both ways', packets: 11, payloadAtoB: 5, payloadBtoA: 5 });
      expect(d.paths.a.steps[0]).toMatchObject({ from: 'CLOSED', to: 'SYN-SENT', frame: 1, cause: 'SYN sent (active OPEN)' });
    }
  });

  it('RST refusal: the client SYN-SENT→CLOSED at the RST; the server port stayed CLOSED (§3.10.7.1)', () => {
    const d = only('rst-refused.pcap');
    expect(path(d, 'a')).toBe('CLOSED SYN-SENT@1 CLOSED@2?');
    expect(d.paths.a.steps[1]!.uncertain).toMatch(/no later packet from this end shows it received/);
    expect(path(d, 'b')).toBe('CLOSED');
    expect(d.paths.b.notes).toEqual(['frame 1: a SYN reached a port with no listener (§3.10.7.1)']);
    expect(d.conversation).toMatchObject({ opening: 'refused', ending: 'RST' });
  });

  it('simultaneous open (§3.5) and simultaneous close through CLOSING (§3.6), for both ends', () => {
    const d = only('simultaneous-open.pcap');
    expect(d.conversation.opening).toBe('simultaneous open');
    // Frame 1: A's SYN, 2: B's SYN, 3/4: each SYN,ACK, 9/10: each FIN before the other's arrived.
    expect(path(d, 'a')).toBe('CLOSED SYN-SENT@1 SYN-RECEIVED@2 ESTABLISHED@4 FIN-WAIT-1@10 CLOSING@9 TIME-WAIT@11');
    expect(path(d, 'b')).toBe('CLOSED SYN-SENT@2 SYN-RECEIVED@1 ESTABLISHED@3 FIN-WAIT-1@9 CLOSING@10 TIME-WAIT@12');
    expect(d.paths.a.steps.find((s) => s.to === 'CLOSING')!.cause).toMatch(/simultaneous close/);
  });

  it('keep-alive and zero window: ESTABLISHED through probes, then the client closes first; nothing guessed', () => {
    const states = (d: ConversationDetail, side: 'a' | 'b') => [d.paths[side].initial, ...d.paths[side].steps.map((s) => s.to)].join(' ');
    for (const name of ['keep-alive.pcap', 'zero-window.pcap', 'lossy.pcap']) {
      const d = only(name);
      // The server's FIN carries the ACK of the client's: FIN-WAIT-1 → TIME-WAIT at once (§3.10.7.4).
      expect(states(d, 'a'), name).toBe('CLOSED SYN-SENT ESTABLISHED FIN-WAIT-1 TIME-WAIT');
      expect(states(d, 'b'), name).toBe('LISTEN SYN-RECEIVED ESTABLISHED CLOSE-WAIT LAST-ACK CLOSED');
      expect([...d.paths.a.steps, ...d.paths.b.steps].filter((s) => s.uncertain)).toEqual([]);
    }
  });

  it('a capture joined mid-stream starts both ends at ESTABLISHED (joined), flagged', () => {
    const frames = framesOf(fixture('handshake-close.pcap')).slice(3);
    const d = openCapture(pcapFile(frames, { little: true, nano: false, linkType: 1 })).details[0]!;
    expect(d.conversation.opening).toBe('joined mid-stream');
    for (const side of ['a', 'b'] as const) {
      expect(d.paths[side].joined).toBe(true);
      expect(d.paths[side].initial).toBe('ESTABLISHED (joined)');
      expect(d.paths[side].notes[0]).toMatch(/start state is not known \(uncertain\)/);
    }
    expect(path(d, 'a')).toBe('ESTABLISHED (joined) FIN-WAIT-1@5 FIN-WAIT-2@6 TIME-WAIT@7');
    expect(d.ends.a.isn).toBeUndefined();
  });

  it('a segment lost before the capture point is named, not guessed', () => {
    // Drop frame 4 (the client's "hello"): the server's ACK of it covers bytes never seen.
    const frames = framesOf(fixture('handshake-close.pcap')).filter((f) => f.number !== 4);
    const d = openCapture(pcapFile(frames, { little: true, nano: false, linkType: 1 })).details[0]!;
    expect(d.paths.a.notes.some((n) => /acknowledges bytes this end was not seen to send.*\(uncertain\)/.test(n))).toBe(true);
    expect(d.packets.find((p) => p.analysis.includes('ack_lost_segment'))).toBeDefined();
  });
});

describe('what can be known of each end from outside', () => {
  it('ISNs, SND.UNA/SND.NXT as seen, MSS, options, calculated windows and RTT samples', () => {
    const d = only('zero-window.pcap');
    expect(d.negotiated).toEqual({ windowScaling: 'both', sack: true, timestamps: true });
    const syn = d.packets[0]!;
    const synAck = d.packets[1]!;
    expect(d.ends.a).toMatchObject({ isn: syn.seq, mss: 1460, windowScale: 10, sackPermitted: true, timestamps: true });
    // The reader's tiny buffer gives shift 0 (tshark shows the multiplier, "WS=1").
    expect(d.ends.b).toMatchObject({ isn: synAck.seq, mss: 1460, windowScale: 0 });
    // Frame 3 (tshark: Win=64512): 63 raw << 10 (RFC 7323 §2.2); the SYN's window is never scaled.
    expect(d.packets[2]).toMatchObject({ window: 63, calculatedWindow: 64512 });
    expect(d.packets[0]).toMatchObject({ window: 64240, calculatedWindow: 64240 });
    // scenarios.py zero_window sends 20000 bytes: SYN + 20000 + FIN, all acknowledged.
    expect(d.ends.a.sndUna).toBe((d.ends.a.isn! + 20002) >>> 0);
    expect(d.ends.a.sndNxt).toBe((d.ends.a.isn! + 20002) >>> 0);
    expect(d.ends.a.rttSamples[0]).toMatchObject({ frame: 2 });
    expect(d.ends.a.rttSamples[0]!.rtt).toBeCloseTo(d.packets[1]!.time - d.packets[0]!.time, 9);
    expect(d.ends.b.rttSamples[0]).toMatchObject({ frame: 3 });
    expect(synAck.relativeSeq).toBe(0);
    expect(d.packets[2]).toMatchObject({ relativeSeq: 1, relativeAck: 1 });
  });
});
