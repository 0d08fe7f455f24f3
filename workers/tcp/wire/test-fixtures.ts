// Byte-exact packets for the codec's tests, and a deliberately naive checksum to check them by.
//
// Where the bytes come from (not from our encoder):
// - syn … rst were sent by a Linux 6.18 kernel over loopback (127.0.0.1:49152 ↔ 127.0.0.2:80,
//   TCP_MAXSEG 1460, a 4 MiB receive buffer so the window scale is 7) and captured with an
//   AF_PACKET socket. Loopback leaves the TCP checksum as the partial pseudo-header sum (the
//   NIC would finish it), so the TCP checksums were completed by a separate Python RFC 1071
//   implementation; the IPv4 checksums are the kernel's own.
// - sack was written by hand with Python's struct in the same Linux layout (NOP, NOP,
//   timestamps, NOP, NOP, SACK with two blocks), checksums by the same Python code.
// tshark 4.0.17 (ip.check_checksum and tcp.check_checksum on) reports every checksum Good and
// decodes the options as listed below; the tests re-check them with naiveChecksum.
import type { Packet, TcpOptions } from './types.ts';

export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * RFC 1071 the slow, obvious way: one byte at a time, even bytes weigh 256, fold at the end.
 * Shares no code with checksum.ts; returns the checksum (0 when the data includes a valid one).
 */
export function naiveChecksum(bytes: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i++) sum += i % 2 === 0 ? bytes[i]! * 256 : bytes[i]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** The TCP pseudo-header (RFC 9293 §3.1) followed by the segment, for naiveChecksum. */
export function pseudoAndSegment(packet: Uint8Array): number[] {
  const ihl = (packet[0]! & 0x0f) * 4;
  const total = (packet[2]! << 8) | packet[3]!;
  const segment = Array.from(packet.subarray(ihl, total));
  const tcpLength = segment.length;
  return [...packet.subarray(12, 20), 0, 6, tcpLength >> 8, tcpLength & 0xff, ...segment];
}

/**
 * Recompute both checksums of a (test-mutated) packet with the naive summer, so a test reaches
 * the check it means to reach. Uses the header's own IHL and total length; skips what does not fit.
 */
export function refreshChecksums(packet: Uint8Array): Uint8Array {
  const ihl = (packet[0]! & 0x0f) * 4;
  if (ihl < 20 || ihl > packet.length) return packet;
  packet[10] = 0;
  packet[11] = 0;
  const ipSum = naiveChecksum(packet.subarray(0, ihl));
  packet[10] = ipSum >> 8;
  packet[11] = ipSum & 0xff;
  const total = (packet[2]! << 8) | packet[3]!;
  if (total > packet.length || total < ihl + 18) return packet;
  packet[ihl + 16] = 0;
  packet[ihl + 17] = 0;
  const tcpSum = naiveChecksum(pseudoAndSegment(packet));
  packet[ihl + 16] = tcpSum >> 8;
  packet[ihl + 17] = tcpSum & 0xff;
  return packet;
}

const CLIENT = 0x7f000001; // 127.0.0.1
const SERVER = 0x7f000002; // 127.0.0.2
const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

export interface Fixture {
  name: string;
  hex: string;
  packet: Packet;
}

function fixture(
  name: string,
  hex: string,
  ip: { id: number; checksum: number; src: number; dst: number },
  tcp: { srcPort: number; dstPort: number; seq: number; ack: number; flags: number; window: number },
  options: TcpOptions,
  payload = new Uint8Array(0),
): Fixture {
  return {
    name,
    hex,
    packet: {
      ip: {
        version: 4,
        headerLength: 20,
        tos: 0,
        totalLength: hex.length / 2,
        id: ip.id,
        dontFragment: true,
        moreFragments: false,
        fragmentOffset: 0,
        ttl: 64,
        protocol: 6,
        checksum: ip.checksum,
        src: ip.src,
        dst: ip.dst,
      },
      tcp: { ...tcp, urgent: 0, options, payload },
    },
  };
}

export const FIXTURES: Fixture[] = [
  fixture(
    'SYN (MSS 1460, SACK-permitted, timestamps, NOP, window scale 7)',
    '4500003c8c7b40004006b03d7f0000017f000002' +
      'c0000050de16420900000000a002ffff83a10000' +
      '020405b40402080aba952b550000000001030307',
    { id: 0x8c7b, checksum: 0xb03d, src: CLIENT, dst: SERVER },
    { srcPort: 49152, dstPort: 80, seq: 0xde164209, ack: 0, flags: 0x02, window: 0xffff },
    { mss: 1460, sackPermitted: true, timestamps: { tsVal: 0xba952b55, tsEcr: 0 }, windowScale: 7 },
  ),
  fixture(
    'SYN,ACK',
    '4500003c0000400040063cb97f0000027f000001' +
      '0050c00015fb1c2ade16420aa012ffffffdf0000' +
      '020405b40402080a65afebdbba952b5501030307',
    { id: 0, checksum: 0x3cb9, src: SERVER, dst: CLIENT },
    { srcPort: 80, dstPort: 49152, seq: 0x15fb1c2a, ack: 0xde16420a, flags: 0x12, window: 0xffff },
    { mss: 1460, sackPermitted: true, timestamps: { tsVal: 0x65afebdb, tsEcr: 0xba952b55 }, windowScale: 7 },
  ),
  fixture(
    'pure ACK',
    '450000348c7c40004006b0447f0000017f000002' +
      'c0000050de16420a15fb1c2b80107ff7aeb40000' +
      '0101080aba952b5565afebdb',
    { id: 0x8c7c, checksum: 0xb044, src: CLIENT, dst: SERVER },
    { srcPort: 49152, dstPort: 80, seq: 0xde16420a, ack: 0x15fb1c2b, flags: 0x10, window: 0x7ff7 },
    { timestamps: { tsVal: 0xba952b55, tsEcr: 0x65afebdb } },
  ),
  fixture(
    'data with PSH,ACK',
    '450000468c7d40004006b0317f0000017f000002' +
      'c0000050de16420a15fb1c2b80187ff7cff90000' +
      '0101080aba952b5665afebdb' +
      '474554202f20485454502f312e300d0a0d0a',
    { id: 0x8c7d, checksum: 0xb031, src: CLIENT, dst: SERVER },
    { srcPort: 49152, dstPort: 80, seq: 0xde16420a, ack: 0x15fb1c2b, flags: 0x18, window: 0x7ff7 },
    { timestamps: { tsVal: 0xba952b56, tsEcr: 0x65afebdb } },
    ascii('GET / HTTP/1.0\r\n\r\n'),
  ),
  fixture(
    'FIN,ACK',
    '450000348c7e40004006b0427f0000017f000002' +
      'c0000050de16421c15fb1c2b80117ff7add70000' +
      '0101080aba952c1e65afebdc',
    { id: 0x8c7e, checksum: 0xb042, src: CLIENT, dst: SERVER },
    { srcPort: 49152, dstPort: 80, seq: 0xde16421c, ack: 0x15fb1c2b, flags: 0x11, window: 0x7ff7 },
    { timestamps: { tsVal: 0xba952c1e, tsEcr: 0x65afebdc } },
  ),
  fixture(
    'RST,ACK',
    '45000034740240004006c8be7f0000027f000001' +
      '0050c00015fb1c2bde16421d80147ff9aca50000' +
      '0101080a65afed08ba952c1e',
    { id: 0x7402, checksum: 0xc8be, src: SERVER, dst: CLIENT },
    { srcPort: 80, dstPort: 49152, seq: 0x15fb1c2b, ack: 0xde16421d, flags: 0x14, window: 0x7ff9 },
    { timestamps: { tsVal: 0x65afed08, tsEcr: 0xba952c1e } },
  ),
  fixture(
    'ACK with two SACK blocks',
    '45000048740340004006c8a97f0000027f000001' +
      '0050c00015fb1c2bde16420ad0107ff995be0000' +
      '0101080a65afec10ba952b60' +
      '01010512de164a0ade164fb6de165562de165b0e',
    { id: 0x7403, checksum: 0xc8a9, src: SERVER, dst: CLIENT },
    { srcPort: 80, dstPort: 49152, seq: 0x15fb1c2b, ack: 0xde16420a, flags: 0x10, window: 0x7ff9 },
    {
      timestamps: { tsVal: 0x65afec10, tsEcr: 0xba952b60 },
      sackBlocks: [
        { left: 0xde164a0a, right: 0xde164fb6 },
        { left: 0xde165562, right: 0xde165b0e },
      ],
    },
  ),
];

/** A fixture's bytes, fresh each call so a test may mutate them. */
export function fixtureBytes(index: number): Uint8Array {
  return fromHex(FIXTURES[index]!.hex);
}
