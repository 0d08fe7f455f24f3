// Link layers, IP versions and TCP decoding, on the packets Linux sent in the fixtures re-framed
// in each link layer: Ethernet with 802.1Q and QinQ tags, raw IP (101, 228, 229), BSD null (0),
// Linux SLL (113, from dumpcap) and SLL2 (276, from tcpdump -i any). Checksums are marked, not
// required (RFC 9293 §3.1; captures on the sender carry offloaded checksums).
import { describe, expect, it } from 'vitest';
import { decodeFrame } from './decode-packet.ts';
import type { CapturedFrame } from './capture-file.ts';
import { openCapture } from './open-capture.ts';
import { fixture, framesOf, ipOf } from './test-files.ts';
import { refreshChecksums } from '../tcp/wire/test-fixtures.ts';

const v4 = framesOf(fixture('handshake-close.pcap'));
const v6 = framesOf(fixture('ipv6.pcap'));

function frame(linkType: number, data: Uint8Array, length = data.length): CapturedFrame {
  return { number: 1, time: 0, seconds: 0, nanos: 0, interfaceId: 0, linkType, length, data, offset: 0 };
}

const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
};

/** The fields a link layer must not change. */
function essentials(f: CapturedFrame) {
  const p = decodeFrame(f);
  return { src: p.src, dst: p.dst, protocol: p.protocol, tcp: p.tcp, note: p.note };
}

describe('link layers', () => {
  const syn = v4[0]!;
  const reference = essentials(syn);

  it('decodes the SYN tcpdump captured on Ethernet-framed lo, every option', () => {
    expect(reference.protocol).toBe('TCP');
    expect(reference.src).toBe('127.0.0.1');
    // Loopback leaves the checksum to "hardware" (CHECKSUM_PARTIAL): tshark -o tcp.check_checksum:TRUE
    // calls every fixture packet's checksum bad too; it is marked, and the packet still analysed.
    expect(reference.tcp).toMatchObject({ dstPort: 5001, flags: 0x02, payloadLength: 0, checksum: 'bad' });
    expect(reference.tcp!.options).toMatchObject({ sackPermitted: true, windowScale: 10, timestamps: { tsVal: expect.any(Number), tsEcr: 0 } });
    expect(reference.tcp!.options.mss).toBe(1460); // the namespace's lo has MTU 1500
  });

  it('finds the same packet behind 802.1Q and QinQ tags, raw IP, BSD null', () => {
    const ip = ipOf(syn);
    const mac = syn.data.subarray(0, 12);
    const tag = (tpid: number, vid: number) => Uint8Array.of(tpid >> 8, tpid & 0xff, vid >> 8, vid & 0xff);
    const variants: [string, CapturedFrame][] = [
      ['802.1Q', frame(1, cat(mac, tag(0x8100, 10), Uint8Array.of(0x08, 0x00), ip))],
      ['QinQ', frame(1, cat(mac, tag(0x88a8, 100), tag(0x8100, 10), Uint8Array.of(0x08, 0x00), ip))],
      ['raw 101', frame(101, ip)],
      ['raw 228', frame(228, ip)],
      ['null, little-endian AF_INET', frame(0, cat(Uint8Array.of(2, 0, 0, 0), ip))],
      ['null, big-endian AF_INET', frame(0, cat(Uint8Array.of(0, 0, 0, 2), ip))],
    ];
    for (const [name, f] of variants) expect(essentials(f), name).toEqual(reference);
    const ip6 = ipOf(v6[0]!);
    const ref6 = essentials(v6[0]!);
    expect(ref6).toMatchObject({ src: '::1', dst: '::1', protocol: 'TCP' });
    expect(essentials(frame(229, ip6))).toEqual(ref6);
    expect(essentials(frame(0, cat(Uint8Array.of(30, 0, 0, 0), ip6)))).toEqual(ref6);
  });

  it('reads Linux cooked captures: SLL2 from tcpdump -i any, SLL from dumpcap', () => {
    const sll2 = openCapture(fixture('any-sll2.pcap'));
    expect(sll2.status.interfaces[0]!.linkType).toBe(276);
    expect(sll2.details).toHaveLength(1);
    expect(sll2.details[0]!.packets.map((p) => p.flags).slice(0, 3)).toEqual(['SYN', 'SYN,ACK', 'ACK']);
    const sll = framesOf(fixture('two-interfaces.pcapng')).filter((f) => f.linkType === 113);
    expect(sll.length).toBeGreaterThan(5);
    expect(decodeFrame(sll[0]!)).toMatchObject({ protocol: 'TCP', src: '127.0.0.1' });
  });

  it('skips IPv6 extension headers to the TCP header', () => {
    const ip6 = ipOf(v6[0]!);
    // Insert an 8-byte destination-options header (next header 6 = TCP) after the fixed header.
    const withExt = cat(ip6.subarray(0, 40), Uint8Array.of(6, 0, 1, 4, 0, 0, 0, 0), ip6.subarray(40));
    withExt[6] = 60;
    const len = ((ip6[4]! << 8) | ip6[5]!) + 8;
    withExt[4] = len >> 8;
    withExt[5] = len & 0xff;
    // The TCP checksum covers the upper-layer length only, which is unchanged (RFC 8200 §8.1).
    expect(essentials(frame(229, withExt))).toEqual(essentials(v6[0]!));
  });

  it('checks the checksum: good once filled in, bad when one bit flips, and the packet kept', () => {
    const ip = refreshChecksums(ipOf(v4[3]!).slice());
    expect(decodeFrame(frame(101, ip)).tcp).toMatchObject({ checksum: 'good', payloadLength: 5 });
    ip[ip.length - 1] = ip[ip.length - 1]! ^ 0x01;
    expect(decodeFrame(frame(101, ip)).tcp).toMatchObject({ checksum: 'bad', payloadLength: 5 });
  });

  it('lists other protocols by name and says why a frame was not decoded', () => {
    const ip = ipOf(syn).slice();
    ip[9] = 17;
    const udp = decodeFrame(frame(101, ip));
    expect(udp.protocol).toBe('UDP');
    expect(udp.tcp).toBeUndefined();
    const arp = cat(syn.data.subarray(0, 12), Uint8Array.of(0x08, 0x06), new Uint8Array(28));
    expect(decodeFrame(frame(1, arp)).protocol).toBe('ARP');
    expect(decodeFrame(frame(147, ipOf(syn))).note).toMatch(/^link type 147 is not supported \(supported: 0, 1, 101, 113, 228, 229, 276\)$/);
    expect(decodeFrame(frame(1, syn.data.subarray(0, 40), syn.length)).note).toBe('truncated TCP header (6 of at least 20 bytes captured)');
    expect(decodeFrame(frame(1, syn.data.subarray(0, 60), syn.length))).toMatchObject({
      note: `truncated: 60 of ${syn.length} bytes captured (snaplen)`,
      tcp: { checksum: 'unchecked', optionsError: 'the TCP options were cut by the snaplen' },
    });
  });

  it('an unsupported link type in a file is counted in the report', () => {
    const report = openCapture(cat(fixture('rst-refused.pcap').subarray(0, 20), Uint8Array.of(147, 0, 0, 0), fixture('rst-refused.pcap').subarray(24)));
    expect(report.messages).toContain('2 frames not decoded: link type 147 is not supported (supported: 0, 1, 101, 113, 228, 229, 276)');
    expect(report.conversations).toEqual([]);
  });
});
