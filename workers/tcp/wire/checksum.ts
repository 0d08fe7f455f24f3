// The internet checksum (RFC 1071): the 16-bit ones' complement of the ones' complement sum of
// the data taken as big-endian 16-bit words. IPv4 (RFC 791) and TCP (RFC 9293 §3.1) both use it.
//
// Speed matters here: every byte of every segment is summed once on send and once on receive.
// RFC 1071 §2 lets us add with ordinary arithmetic and fold the carries back in only at the end.
// 4-byte-aligned ranges (every packet: slabs are 8-byte aligned) are summed as 32-bit words
// through a cached Uint32Array view of the buffer; the rest byte by byte, keeping one running sum of the high (even-offset) bytes and one
// of the low (odd-offset) bytes, so the word sum is simply high * 256 + low.

/** Fold a non-negative sum into 16 bits, adding the carries back in (end-around carry). */
export function foldSum(sum: number): number {
  // Shifts for sums that fit 32 bits (nearly all); division above, exact for any sum up to 2^53.
  while (sum > 0xffff) sum = sum <= 0xffffffff ? (sum >>> 16) + (sum & 0xffff) : (sum % 0x10000) + Math.floor(sum / 0x10000);
  return sum;
}

/** True on little-endian hosts (every browser and Node platform in practice; checked anyway). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([0x0102]).buffer)[0] === 0x02;

/** 32-bit words summed between folds: 2^20 words of < 2^32 each stay below 2^53, exact in a double. */
const WIDE_CHUNK = 1 << 20;

// A 32-bit view of the whole buffer the last sum read from. Packets are carved from shared slabs
// (slab.ts), so nearly every call hits it; a fresh typed-array view per call would cost about as
// much as summing a header. Holds on to at most one buffer.
let cachedBuffer: ArrayBufferLike | null = null;
let cachedWords: Uint32Array<ArrayBufferLike> = new Uint32Array(0);

function wordsOf(buffer: ArrayBufferLike): Uint32Array<ArrayBufferLike> {
  if (buffer !== cachedBuffer) {
    cachedBuffer = buffer;
    cachedWords = new Uint32Array(buffer, 0, buffer.byteLength >>> 2);
  }
  return cachedWords;
}

/**
 * Ones' complement sum of bytes[start, end) as big-endian 16-bit words, words counted from
 * `start`; an odd last byte is padded with a zero byte (RFC 1071 §4.1). `initial` is added in
 * (a previous result, or a pseudo-header sum). Returns the folded sum, 0 … 0xffff.
 */
export function onesComplementSum(bytes: Uint8Array, start = 0, end = bytes.length, initial = 0): number {
  if (start < 0) start = 0;
  if (end > bytes.length) end = bytes.length;
  let sum = initial;
  let i = start;
  const at = bytes.byteOffset + start;
  if (end - start >= 4 && (at & 3) === 0) {
    const count = (end - start) >>> 2;
    const view = wordsOf(bytes.buffer);
    const first = at >>> 2;
    if (first + count <= view.length) {
      // RFC 1071 §2(C): add 32-bit words and fold to 16 bits afterwards; a quarter of the loads.
      // The view reads in host byte order, which on little-endian hosts swaps the bytes of every
      // 16-bit half; the ones' complement sum is byte-order independent (RFC 1071 §2(B)), so we
      // swap the folded result back once. (Doubles beat int32 lanes here: one load per 4 bytes.)
      let wide = 0;
      let w = first;
      const last = first + count;
      while (w < last) {
        const stop = Math.min(last, w + WIDE_CHUNK);
        const stop4 = stop - 3;
        let s = 0;
        for (; w < stop4; w += 4) s += view[w]! + view[w + 1]! + view[w + 2]! + view[w + 3]!;
        for (; w < stop; w++) s += view[w]!;
        wide = foldSum(wide + s);
      }
      sum += LITTLE_ENDIAN ? ((wide & 0xff) << 8) | (wide >>> 8) : wide;
      i = start + count * 4;
    }
  }
  // Bytes left (all of an unaligned range, or the 0-3 after the words): high and low bytes
  // apart, so the word sum is simply high * 256 + low.
  let hi = 0;
  let lo = 0;
  const end8 = end - 7;
  for (; i < end8; i += 8) {
    hi += bytes[i]! + bytes[i + 2]! + bytes[i + 4]! + bytes[i + 6]!;
    lo += bytes[i + 1]! + bytes[i + 3]! + bytes[i + 5]! + bytes[i + 7]!;
  }
  const end2 = end - 1;
  for (; i < end2; i += 2) {
    hi += bytes[i]!;
    lo += bytes[i + 1]!;
  }
  if (i < end) hi += bytes[i]!;
  return foldSum(hi * 256 + lo + sum);
}

/**
 * The checksum field value for bytes[start, end): the ones' complement of their sum (plus
 * `initial`). Write it big-endian. A receiver summing the same bytes with this value in place
 * gets 0xffff.
 */
export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length, initial = 0): number {
  return ~onesComplementSum(bytes, start, end, initial) & 0xffff;
}

/**
 * Sum of the TCP pseudo-header (RFC 9293 §3.1): source address, destination address, a zero
 * byte, the protocol number and the TCP length (header + data, not counting the IP header).
 * The result is unfolded; pass it as `initial` to the functions above.
 */
export function pseudoHeaderSum(src: number, dst: number, protocol: number, tcpLength: number): number {
  return (
    ((src >>> 16) & 0xffff) +
    (src & 0xffff) +
    ((dst >>> 16) & 0xffff) +
    (dst & 0xffff) +
    (protocol & 0xff) +
    (tcpLength & 0xffff)
  );
}

/** Format a 16-bit value the way the decoders' reasons do: 0x00ab. */
export function hex16(n: number): string {
  return '0x' + (n & 0xffff).toString(16).padStart(4, '0');
}

/**
 * True when a decoder's reason is a checksum failure rather than a malformed layout, so a
 * caller can count it as 'bad-checksum' instead of 'malformed'.
 */
export function isChecksumFailure(reason: string): boolean {
  return reason.startsWith('bad IPv4 header checksum') || reason.startsWith('bad TCP checksum');
}
