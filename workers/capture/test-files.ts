// Test support: re-wrap the frames of a real fixture in other file formats, byte orders and
// link layers (the packets themselves stay the ones Linux sent; only their wrapping changes),
// so every format variant is checked against the same tshark-verified content.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaptureReader, type CapturedFrame } from './capture-file.ts';

export const FIXTURE_DIR = join(import.meta.dirname, 'fixtures');

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURE_DIR, name)));
}

export function framesOf(bytes: Uint8Array): CapturedFrame[] {
  const r = new CaptureReader();
  const frames = r.push(bytes);
  r.end();
  return frames;
}

class Out {
  private parts: number[] = [];
  constructor(private little: boolean) {}
  u8(v: number) { this.parts.push(v & 0xff); return this; }
  u16(v: number) {
    if (this.little) this.parts.push(v & 0xff, (v >>> 8) & 0xff);
    else this.parts.push((v >>> 8) & 0xff, v & 0xff);
    return this;
  }
  u32(v: number) {
    if (this.little) this.parts.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
    else this.parts.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
    return this;
  }
  bytes(b: Uint8Array) { for (const x of b) this.parts.push(x); return this; }
  pad4() { while (this.parts.length % 4) this.parts.push(0); return this; }
  get length() { return this.parts.length; }
  done(): Uint8Array { return Uint8Array.from(this.parts); }
}

export interface WrapFrame { data: Uint8Array; length: number; time: number; interfaceId?: number }

/** A pcap file: byte order, micro or nano magic. */
export function pcapFile(frames: WrapFrame[], opts: { little: boolean; nano: boolean; linkType: number; snap?: number }): Uint8Array {
  const o = new Out(opts.little);
  o.u32(opts.nano ? 0xa1b23c4d : 0xa1b2c3d4).u16(2).u16(4).u32(0).u32(0).u32(opts.snap ?? 262144).u32(opts.linkType);
  for (const f of frames) {
    const secs = Math.floor(f.time);
    const frac = Math.round((f.time - secs) * (opts.nano ? 1e9 : 1e6));
    o.u32(secs).u32(frac).u32(f.data.length).u32(f.length).bytes(f.data);
  }
  return o.done();
}

function block(little: boolean, type: number, body: Uint8Array): Uint8Array {
  const o = new Out(little);
  const total = 12 + ((body.length + 3) & ~3);
  o.u32(type).u32(total).bytes(body).pad4().u32(total);
  return o.done();
}

export interface PcapngInterface { linkType: number; tsresol?: number; snap?: number }

/** A pcapng section: SHB, IDBs, then EPBs (or SPBs), with optional unknown blocks between. */
export function pcapngFile(
  frames: WrapFrame[],
  opts: { little: boolean; interfaces: PcapngInterface[]; simple?: boolean; unknownBlockEvery?: number },
): Uint8Array {
  const L = opts.little;
  const parts: Uint8Array[] = [];
  parts.push(block(L, 0x0a0d0d0a, new Out(L).u32(0x1a2b3c4d).u16(1).u16(0).u32(0xffffffff).u32(0xffffffff).done()));
  for (const i of opts.interfaces) {
    const b = new Out(L).u16(i.linkType).u16(0).u32(i.snap ?? 0);
    if (i.tsresol !== undefined) b.u16(9).u16(1).u8(i.tsresol).pad4();
    b.u16(0).u16(0);
    parts.push(block(L, 1, b.done()));
  }
  frames.forEach((f, n) => {
    if (opts.unknownBlockEvery && n % opts.unknownBlockEvery === 0) parts.push(block(L, 0x40000bad, Uint8Array.of(1, 2, 3, 4, 5)));
    if (opts.simple) {
      parts.push(block(L, 3, new Out(L).u32(f.length).bytes(f.data).done()));
      return;
    }
    const iface = opts.interfaces[f.interfaceId ?? 0] ?? opts.interfaces[0]!;
    const r = iface.tsresol ?? 6;
    const perSecond = r & 0x80 ? 2 ** (r & 0x7f) : 10 ** r;
    const ticks = BigInt(Math.floor(f.time)) * BigInt(perSecond) + BigInt(Math.round((f.time % 1) * perSecond));
    parts.push(block(L, 6, new Out(L).u32(f.interfaceId ?? 0).u32(Number(ticks >> 32n)).u32(Number(ticks & 0xffffffffn)).u32(f.data.length).u32(f.length).bytes(f.data).done()));
  });
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** Strip a frame's 14-byte Ethernet header: the IP packet Linux sent. */
export function ipOf(f: CapturedFrame): Uint8Array {
  return f.data.subarray(14);
}
