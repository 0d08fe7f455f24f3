// The header peeker against the kernel-captured fixtures (its answers must equal the full
// decode's), and on every truncation and a few mangled headers (it must answer "not there",
// never throw, never read past the bytes).
import { describe, expect, it } from 'vitest';
import { formatIpv4Address } from './address.ts';
import { decodePacket } from './packet.ts';
import {
  headersEnd, ipv4Addresses, ipv4Destination, ipv4Source, segmentOf, tcpFlags, tcpHeaderOffset,
  tcpPayloadLength, tcpPorts, tcpSeqAck,
} from './peek.ts';
import { FIXTURES, fixtureBytes } from './test-fixtures.ts';

describe('header peeker (RFC 791 §3.1, RFC 9293 §3.1)', () => {
  it('reads what the full decode reads, for every captured packet', () => {
    FIXTURES.forEach((f, i) => {
      const p = fixtureBytes(i);
      const full = decodePacket(p);
      if (!full.ok) throw new Error(full.reason);
      const { ip, tcp } = full.value;
      expect(ipv4Source(p)).toBe(ip.src);
      expect(ipv4Destination(p)).toBe(ip.dst);
      expect(ipv4Addresses(p)).toEqual({ src: formatIpv4Address(ip.src), dst: formatIpv4Address(ip.dst) });
      expect(tcpHeaderOffset(p)).toBe(20);
      expect(tcpPorts(p)).toEqual({ srcPort: tcp.srcPort, dstPort: tcp.dstPort });
      expect(tcpFlags(p)).toBe(tcp.flags);
      expect(tcpSeqAck(p)).toEqual({ seq: tcp.seq, ack: tcp.ack });
      expect(tcpPayloadLength(p)).toBe(tcp.payload.length);
      expect(headersEnd(p)).toBe(p.length - tcp.payload.length);
      expect(segmentOf(p)).toMatchObject({ srcPort: tcp.srcPort, seq: tcp.seq, ack: tcp.ack, flags: tcp.flags, options: f.packet.tcp.options });
    });
  });

  it('answers "not there" for every truncation of a packet, without throwing', () => {
    const p = fixtureBytes(0);
    for (let n = 0; n < p.length; n++) {
      const cut = p.subarray(0, n);
      expect(ipv4Destination(cut)).toBe(n < 20 ? -1 : ipv4Destination(p));
      expect(ipv4Addresses(cut) === null).toBe(n < 20);
      expect(tcpPorts(cut) === null).toBe(n < 24);
      expect(tcpHeaderOffset(cut)).toBe(n < 40 ? -1 : 20);
      expect(tcpFlags(cut)).toBe(n < 40 ? -1 : 0x02);
      expect(tcpSeqAck(cut) === null).toBe(n < 40);
      expect(headersEnd(cut)).toBeLessThanOrEqual(n);
      // A cut inside the options leaves no decodable header (the data offset says 40 bytes).
      expect(segmentOf(cut)).toBeNull();
    }
  });

  it('ignores an IHL below 5 and a protocol other than TCP, and still peeks a bad-checksum packet', () => {
    const p = fixtureBytes(0).slice();
    p[0] = 0x44; // IHL 4: 16 bytes, below the minimum
    expect(tcpHeaderOffset(p)).toBe(-1);
    expect(tcpPorts(p)).toBeNull();
    expect(segmentOf(p)).toBeNull();
    expect(headersEnd(p)).toBe(p.length);
    const udp = fixtureBytes(0).slice();
    udp[9] = 17;
    expect(tcpFlags(udp)).toBe(-1);
    expect(tcpPayloadLength(udp)).toBe(-1);
    const v6 = fixtureBytes(0).slice();
    v6[0] = 0x65;
    expect(ipv4Addresses(v6)).toBeNull();
    const bad = fixtureBytes(0).slice();
    bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0x01; // the TCP checksum no longer holds
    expect(segmentOf(bad)).toMatchObject({ srcPort: 49152, dstPort: 80, flags: 0x02 });
  });

  it('clamps the payload to the bytes there are when the total length claims more', () => {
    const data = FIXTURES.findIndex((f) => f.packet.tcp.payload.length > 0);
    const p = fixtureBytes(data);
    const short = p.subarray(0, p.length - 2);
    expect(tcpPayloadLength(short)).toBe(FIXTURES[data]!.packet.tcp.payload.length - 2);
    expect(segmentOf(short)?.payload.length).toBe(FIXTURES[data]!.packet.tcp.payload.length - 2);
  });
});
