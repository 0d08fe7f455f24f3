// Who becomes a room's teacher at the handshake (PROTOCOL.md §2.3), and the two memories that
// keep the role from being taken: the codes of rooms that emptied (held for a while, so the first
// tab into an emptied room cannot make itself the teacher with a code of its own) and the wrong
// codes each source address tried (a few a minute, so a code cannot be guessed).
import { CODE_ALPHABET, normalizeTeacherCode, TEACHER_CODE_LENGTH } from './teacher.ts';
import { TokenBucket } from './token-bucket.ts';

/** A code a teacher chooses (`&teacher=` when creating a room) must be at least this long. */
export const CHOSEN_CODE_MIN = TEACHER_CODE_LENGTH;
const ALPHABET = new Set(CODE_ALPHABET);

/**
 * Is `code` (already normalized to upper case) strong enough to become a room's code? At least 8
 * characters of the code alphabet and not one character repeated: 31^8 ≈ 2^39 codes, which at
 * 5 wrong tries a minute per source is out of reach (TeacherCodeAttempts).
 */
export function isStrongChosenCode(code: string): boolean {
  if (code.length < CHOSEN_CODE_MIN) return false;
  for (const c of code) if (!ALPHABET.has(c)) return false;
  return new Set(code).size > 1;
}

/**
 * The codes of rooms that emptied, by room name, each kept for `holdMs`. At most `max` are kept:
 * past that the oldest is forgotten first, so memory stays bounded whatever the number of rooms.
 */
export class HeldCodes {
  /** Insertion order is expiry order: every entry is held for the same time. */
  private readonly held = new Map<string, { code: string; until: number }>();

  constructor(
    private readonly holdMs: number,
    private readonly max: number,
  ) {}

  hold(room: string, code: string, nowMs: number): void {
    if (this.holdMs <= 0) return;
    this.held.delete(room); // re-inserted at the end: the newest
    this.held.set(room, { code, until: nowMs + this.holdMs });
    this.expire(nowMs);
    while (this.held.size > this.max) this.held.delete(this.held.keys().next().value as string);
  }

  /** The code held for `room`, if any and not expired. */
  get(room: string, nowMs: number): string | null {
    this.expire(nowMs);
    return this.held.get(room)?.code ?? null;
  }

  /** The room is live again: its own workshop has the code now. */
  release(room: string): void {
    this.held.delete(room);
  }

  get size(): number {
    return this.held.size;
  }

  private expire(nowMs: number): void {
    for (const [room, h] of this.held) {
      if (h.until > nowMs) return;
      this.held.delete(room);
    }
  }
}

/**
 * Wrong teacher codes per source address: a token bucket of `perMinute`, refilled at that rate.
 * A wrong code takes a token; with none left every code from that source is refused (right or
 * wrong, or the refusal would tell a guesser when it found the code) until one drips back.
 * Full buckets carry no information and are forgotten, and at most `maxSources` are kept (the
 * oldest go first), so memory stays bounded.
 */
export class TeacherCodeAttempts {
  private readonly buckets = new Map<string, { bucket: TokenBucket; touched: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly maxSources = 10_000,
  ) {}

  /** May `source` try a code now? */
  mayTry(source: string, nowMs: number): boolean {
    const b = this.buckets.get(source);
    if (b === undefined) return true;
    b.bucket.refill(nowMs);
    return b.bucket.has(1);
  }

  /** `source` gave a wrong code. */
  wrong(source: string, nowMs: number): void {
    this.sweep(nowMs);
    let b = this.buckets.get(source);
    if (b === undefined) {
      b = { bucket: new TokenBucket(this.perMinute / 60, this.perMinute, nowMs), touched: nowMs };
      this.buckets.set(source, b);
      while (this.buckets.size > this.maxSources) this.buckets.delete(this.buckets.keys().next().value as string);
    }
    b.bucket.tryTake(1, nowMs);
    b.touched = nowMs;
    // Most recently wrong last, so the sweep and the cap drop the quietest sources first.
    this.buckets.delete(source);
    this.buckets.set(source, b);
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Forget sources whose bucket has refilled completely (a minute after their last wrong code). */
  private sweep(nowMs: number): void {
    for (const [source, b] of this.buckets) {
      if (nowMs - b.touched < 60_000) return;
      this.buckets.delete(source);
    }
  }
}

export type TeacherDecision =
  | { ok: true; role: 'teacher' | 'student'; /** the code the new room takes, when creating */ roomCode: string | null }
  | { ok: false; why: 'wrong' | 'weak' | 'rate-limited' };

/**
 * The role of a client joining `room` (PROTOCOL.md §2.3). `bound` is the code the room has: its
 * workshop's when it has clients, the held code when it emptied recently, null when the client
 * creates a room nobody holds. `given` is the `teacher` query parameter.
 */
export function decideTeacher(
  given: string | null,
  bound: string | null,
  creating: boolean,
  mayTry: () => boolean,
  codeMatches: (given: string) => boolean,
): TeacherDecision {
  if (given === null) {
    // The first client of a room nobody holds teaches it; in a held room it waits for the teacher.
    if (creating) return { ok: true, role: bound === null ? 'teacher' : 'student', roomCode: bound };
    return { ok: true, role: 'student', roomCode: null };
  }
  if (bound === null) {
    const code = normalizeTeacherCode(given);
    if (code === null || !isStrongChosenCode(code)) return { ok: false, why: 'weak' };
    return { ok: true, role: 'teacher', roomCode: code };
  }
  if (!mayTry()) return { ok: false, why: 'rate-limited' };
  if (!codeMatches(given)) return { ok: false, why: 'wrong' };
  return { ok: true, role: 'teacher', roomCode: creating ? bound : null };
}
