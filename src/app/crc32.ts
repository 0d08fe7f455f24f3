// CRC-32 (IEEE 802.3, as zlib, gzip and `crc32` compute it), incremental: data arrives in pieces,
// and the sender and the receiver compare one short number to see the bytes arrived intact.

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** Continue a CRC over more bytes; start with `crc32Update(0, first)`. */
export function crc32Update(crc: number, bytes: Uint8Array): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

export function crc32(bytes: Uint8Array): number {
  return crc32Update(0, bytes);
}

/** "3610a686": how the UI writes a CRC. */
export function crcText(crc: number): string {
  return crc.toString(16).padStart(8, '0');
}

/** Bytes hashed between two yields to the event loop: a few milliseconds of work. */
const SLICE = 512 * 1024;

/**
 * crc32Update over large data without a long task: slices, with a yield to the event loop
 * between them, so a 64 MiB file does not freeze the page while it is hashed.
 */
export async function crc32UpdateChunked(crc: number, bytes: Uint8Array): Promise<number> {
  let c = crc;
  for (let at = 0; at < bytes.length; at += SLICE) {
    if (at > 0) await new Promise((r) => setTimeout(r, 0));
    c = crc32Update(c, bytes.subarray(at, at + SLICE));
  }
  return c;
}
