// IPv4 addresses as unsigned 32-bit numbers (the form the codec carries) and as dotted quads.

/**
 * Parse a dotted-quad IPv4 address ("10.0.0.1") into an unsigned 32-bit number. Strict: exactly
 * four decimal parts 0 … 255, no leading zeros (inet_aton would read "010" as octal 8, a classic
 * surprise), no spaces. Anything else gives null.
 */
export function parseIpv4Address(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return null;
    const v = Number(part);
    if (v > 255) return null;
    n = n * 256 + v;
  }
  return n;
}

/** Format an unsigned 32-bit number as a dotted quad. */
export function formatIpv4Address(n: number): string {
  const u = n >>> 0;
  return `${u >>> 24}.${(u >>> 16) & 0xff}.${(u >>> 8) & 0xff}.${u & 0xff}`;
}
