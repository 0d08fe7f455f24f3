// "Send a file of N bytes": readable, numbered lines, so an echo coming back is recognisable in
// the received text, and a lost or reordered byte would show. Deterministic: the same N always
// gives the same bytes (and the same CRC). Fast: one template line copied and its number
// patched in place, so 64 MiB take tens of milliseconds, not seconds.

const LINE = 64;
// 64 bytes: "line 000001 " + 51 letters + "\n"
const TEMPLATE = new TextEncoder().encode(`line 000000 ${'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXY'}\n`);
const DIGITS_AT = 5;

export function generatedFile(n: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  fillLines(out, 0, n);
  return out;
}

/** Lines per slice of generatedFileSliced: 1 MiB, about a millisecond of work. */
const SLICE_LINES = (1024 * 1024) / LINE;

/**
 * The same bytes as generatedFile, built a slice at a time with a yield to the event loop
 * between slices, so a file of tens of megabytes does not freeze the page that asked for it.
 */
export async function generatedFileSliced(n: number): Promise<Uint8Array<ArrayBuffer>> {
  const out = new Uint8Array(n);
  const step = SLICE_LINES * LINE;
  for (let at = 0; at < n; at += step) {
    if (at > 0) await new Promise((r) => setTimeout(r, 0));
    fillLines(out, at, Math.min(n, at + step));
  }
  return out;
}

/** Write the lines that start in [from, to) (from is a multiple of LINE), cut at out.length. */
function fillLines(out: Uint8Array, from: number, to: number): void {
  const n = out.length;
  for (let at = from; at < to; at += LINE) {
    if (at + LINE <= n) out.set(TEMPLATE, at);
    else out.set(TEMPLATE.subarray(0, n - at), at);
    // Line numbers from 1, six digits (wrapping after 999999), written where they fit.
    let v = (at / LINE + 1) % 1_000_000;
    for (let d = 5; d >= 0; d--) {
      const i = at + DIGITS_AT + d;
      if (i < n) out[i] = 0x30 + (v % 10);
      v = Math.floor(v / 10);
    }
  }
}
