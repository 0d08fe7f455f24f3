// Reads the relay's capture (classic pcap, link type 101: raw IPv4, PROTOCOL.md §9) far enough
// for the interop suite to see which TCP segments crossed the relay, in order.
import { readFileSync } from 'node:fs';

export interface CapturedSegment {
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  /** TCP flags byte (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10). */
  flags: number;
}

export function readCapture(file: string): CapturedSegment[] {
  const b = readFileSync(file);
  if (b.length < 24 || b.readUInt32LE(0) !== 0xa1b2c3d4) throw new Error(`${file} is not a little-endian classic pcap file`);
  if (b.readUInt32LE(20) !== 101) throw new Error(`${file}: link type ${b.readUInt32LE(20)}, expected 101 (raw IPv4)`);
  const out: CapturedSegment[] = [];
  let at = 24;
  while (at + 16 <= b.length) {
    const len = b.readUInt32LE(at + 8);
    const p = b.subarray(at + 16, at + 16 + len);
    at += 16 + len;
    if (p.length < 20 || p[9] !== 6) continue;
    const ihl = (p[0]! & 0x0f) * 4;
    if (p.length < ihl + 14) continue;
    out.push({
      src: `${p[12]}.${p[13]}.${p[14]}.${p[15]}`,
      dst: `${p[16]}.${p[17]}.${p[18]}.${p[19]}`,
      srcPort: p.readUInt16BE(ihl),
      dstPort: p.readUInt16BE(ihl + 2),
      flags: p[ihl + 13]!,
    });
  }
  return out;
}
