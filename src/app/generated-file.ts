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
  const whole = Math.floor(n / LINE);
  for (let line = 0; line < whole; line++) out.set(TEMPLATE, line * LINE);
  if (n % LINE > 0) out.set(TEMPLATE.subarray(0, n % LINE), whole * LINE);
  // Line numbers from 1, six digits (wrapping after 999999), written where they fit.
  for (let line = 0, at = 0; at < n; line++, at += LINE) {
    let v = (line + 1) % 1_000_000;
    for (let d = 5; d >= 0; d--) {
      const i = at + DIGITS_AT + d;
      if (i < n) out[i] = 0x30 + (v % 10);
      v = Math.floor(v / 10);
    }
  }
  return out;
}
