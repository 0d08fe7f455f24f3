// Flag names as teachers write them ("SYN,ACK", "fin+ack", "RST ACK") to the header's bit mask.
import { Flag, type FlagName } from '../../workers/tcp/wire/types.ts';
import { Issues, kindOf, nearest } from './issues.ts';

export const FLAG_NAMES = Object.keys(Flag) as FlagName[];

/**
 * Parse flag names (comma, plus, | or spaces between; any case). An empty text is 0 when
 * `emptyOk` (e.g. `"flags": ""`: no flag set at all). null, with an issue, when invalid.
 */
export function parseFlagNames(v: unknown, path: string, issues: Issues, emptyOk: boolean): number | null {
  if (typeof v !== 'string') {
    issues.add(path, `must be flag names such as "SYN,ACK", got ${kindOf(v)}`);
    return null;
  }
  const names = v.split(/[\s,+|]+/).filter((s) => s !== '');
  if (names.length === 0) {
    if (emptyOk) return 0;
    issues.add(path, 'names no flag');
    return null;
  }
  let bits = 0;
  for (const n of names) {
    const up = n.toUpperCase() as FlagName;
    if (!FLAG_NAMES.includes(up)) {
      const near = nearest(up, FLAG_NAMES);
      issues.add(path, `unknown flag "${n}"${near ? ` (did you mean "${near}"?)` : ''}; flags are ${FLAG_NAMES.join(', ')}`);
      return null;
    }
    bits |= Flag[up];
  }
  return bits;
}
