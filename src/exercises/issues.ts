// Collecting validation problems as "path: message" lines a teacher can act on, e.g.
//   exercises[3].checks[1].when.segment.flags: unknown flag "SIN" (flags are SYN, ACK, FIN, RST, PSH, URG, ECE, CWR)
// Validators add to an Issues and carry on, so one run reports every problem, not just the first.

export class Issues {
  readonly list: string[] = [];

  add(path: string, message: string): void {
    this.list.push(path === '' ? message : `${path}: ${message}`);
  }

  get count(): number {
    return this.list.length;
  }
}

export function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = Record<string, unknown>;

/** What a value is, in words, for "expected …, got …" messages. */
export function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `the text ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'object') return 'an object';
  return typeof v;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Report keys outside `allowed`, suggesting the nearest allowed one for typos. */
export function checkKeys(obj: JsonObject, allowed: readonly string[], path: string, issues: Issues): void {
  for (const key of Object.keys(obj)) {
    if (allowed.includes(key)) continue;
    const near = nearest(key, allowed);
    issues.add(at(path, key), `unknown field "${key}"${near ? ` (did you mean "${near}"?)` : ''}`);
  }
}

export function nonEmptyString(obj: JsonObject, key: string, path: string, issues: Issues, required = true): string | undefined {
  const v = obj[key];
  if (v === undefined) {
    if (required) issues.add(at(path, key), 'is required (a non-empty text)');
    return undefined;
  }
  if (typeof v !== 'string' || v.trim() === '') {
    issues.add(at(path, key), `must be a non-empty text, got ${kindOf(v)}`);
    return undefined;
  }
  return v;
}

export function integerIn(v: unknown, min: number, path: string, issues: Issues): number | undefined {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    issues.add(path, `must be a whole number ≥ ${min}, got ${kindOf(v)}`);
    return undefined;
  }
  return v;
}

export function numberIn(v: unknown, min: number, path: string, issues: Issues, exclusiveMin = false): number | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v) || (exclusiveMin ? v <= min : v < min)) {
    issues.add(path, `must be a number ${exclusiveMin ? '>' : '≥'} ${min}, got ${kindOf(v)}`);
    return undefined;
  }
  return v;
}

/** The allowed word closest to a typo (edit distance ≤ 2, or a case-only difference). */
export function nearest(word: string, options: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = 3;
  for (const o of options) {
    if (o.toLowerCase() === word.toLowerCase()) return o;
    // On a tie, a word with the same first letter is the likelier typo ("SIN" → "SYN", not "FIN").
    const raw = distance(word, o);
    if (raw > 2) continue;
    const d = raw - (o[0]?.toLowerCase() === word[0]?.toLowerCase() ? 0.5 : 0);
    if (d < bestD) {
      bestD = d;
      best = o;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 3;
}

export function listWords(words: readonly string[], max = 12): string {
  return words.length > max ? `${words.slice(0, max).join(', ')}, …` : words.join(', ');
}
