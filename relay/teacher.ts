// Workshops: the teacher role and the live status of every host (PROTOCOL.md §2.3).
//
// A room's teacher sees what each student's tab reports about itself (connections and their
// states, exercise progress), so the teacher can walk to the pair that is stuck. Students are told
// that a teacher is watching: nothing they publish is hidden from them.
//
// The relay never trusts a status: it is validated, bounded in size and normalized to the known
// fields before any teacher sees it, and rate limited per client.
import { STATES } from '../workers/tcp/state.ts';
import type { ConnectionStatus, ExerciseStatus, HostStatus, HostStatusEntry, Role, ServerMessage } from './messages.ts';
import type { Member } from './member.ts';
import { TokenBucket } from './token-bucket.ts';

/** Bounds of one status message (PROTOCOL.md §2.3). */
export const STATUS_LIMITS = {
  connections: 64,
  exercises: 32,
  /** `local` and `remote`. */
  endpointLength: 64,
  exerciseIdLength: 64,
  titleLength: 120,
  /** done and total. */
  maxCount: 10_000,
  /** Status messages per second per client (token bucket of this size). */
  perSecond: 4,
} as const;

// No 0/O, 1/I/L: a code read off a projector or a whiteboard must survive being typed.
export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const TEACHER_CODE_LENGTH = 8;
/** What a code given in `&teacher=` must look like (case is ignored). */
const CODE_SHAPE = /^[A-Za-z0-9]{4,32}$/;

/** A fresh random teacher code: 8 characters of an alphabet without look-alikes (~39 bits). */
export function newTeacherCode(): string {
  const bytes = new Uint8Array(TEACHER_CODE_LENGTH);
  globalThis.crypto.getRandomValues(bytes);
  // 256 is not a multiple of 31: the bias (at most 1 in 8 on a few letters) costs < 1 bit of 39.
  return [...bytes].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
}

/** A code as typed (any case), or null when it cannot be a code at all. */
export function normalizeTeacherCode(given: string): string | null {
  return CODE_SHAPE.test(given) ? given.toUpperCase() : null;
}

/** Does `given` (any case) equal `code` (normalized)? Compared in constant time for codes of
 *  the same length, so the time taken tells a guesser nothing about how much was right. */
export function teacherCodeMatches(given: string, code: string): boolean {
  const g = normalizeTeacherCode(given);
  if (g === null || g.length !== code.length) return false;
  let diff = 0;
  for (let i = 0; i < g.length; i++) diff |= g.charCodeAt(i) ^ code.charCodeAt(i);
  return diff === 0;
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

const STATE_SET: ReadonlySet<string> = new Set(STATES);
const EXERCISE_ID = /^[a-z0-9][a-z0-9-]*$/;
// Control, format, private-use and unassigned code points: nothing a teacher's screen should show.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}]/u;

export type ParsedStatus = { ok: true; value: HostStatus } | { ok: false; detail: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function text(v: unknown, max: number, where: string, allowEmpty = false): string | { error: string } {
  if (typeof v !== 'string') return { error: `${where} must be a string` };
  if (!allowEmpty && v.length === 0) return { error: `${where} must not be empty` };
  if (v.length > max) return { error: `${where} must be at most ${max} characters` };
  if (UNPRINTABLE.test(v)) return { error: `${where} has unprintable characters` };
  return v;
}

function count(v: unknown, where: string): number | { error: string } {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > STATUS_LIMITS.maxCount) {
    return { error: `${where} must be a whole number 0–${STATUS_LIMITS.maxCount}` };
  }
  return v;
}

/**
 * Check a `status` message from a client and keep only the fields the protocol defines (so a
 * teacher never receives anything the relay did not check). Never throws.
 */
export function parseStatus(m: Record<string, unknown>): ParsedStatus {
  const fail = (detail: string): ParsedStatus => ({ ok: false, detail: `status: ${detail}` });
  const rawConns = m.connections ?? [];
  if (!Array.isArray(rawConns)) return fail('connections must be a list');
  if (rawConns.length > STATUS_LIMITS.connections) return fail(`at most ${STATUS_LIMITS.connections} connections`);
  const connections: ConnectionStatus[] = [];
  for (let i = 0; i < rawConns.length; i++) {
    const c: unknown = rawConns[i];
    const where = `connections[${i}]`;
    if (!isRecord(c)) return fail(`${where} must be an object { "local", "remote", "state" }`);
    const local = text(c.local, STATUS_LIMITS.endpointLength, `${where}.local`);
    if (typeof local !== 'string') return fail(local.error);
    const remote = text(c.remote, STATUS_LIMITS.endpointLength, `${where}.remote`);
    if (typeof remote !== 'string') return fail(remote.error);
    if (typeof c.state !== 'string' || !STATE_SET.has(c.state)) {
      return fail(`${where}.state must be one of ${STATES.join(', ')}`);
    }
    connections.push({ local, remote, state: c.state as ConnectionStatus['state'] });
  }
  const rawProgress = m.progress ?? {};
  if (!isRecord(rawProgress)) return fail('progress must be an object { "<exercise id>": { "done", "total", "title" } }');
  const entries = Object.entries(rawProgress);
  if (entries.length > STATUS_LIMITS.exercises) return fail(`progress: at most ${STATUS_LIMITS.exercises} exercises`);
  // Keys are checked against the exercise-id pattern, so "__proto__" and friends never get in.
  const progress: Record<string, ExerciseStatus> = {};
  for (const [id, p] of entries) {
    const where = `progress[${JSON.stringify(id.slice(0, STATUS_LIMITS.exerciseIdLength))}]`;
    if (id.length > STATUS_LIMITS.exerciseIdLength || !EXERCISE_ID.test(id)) {
      return fail(`${where}: exercise ids are 1–${STATUS_LIMITS.exerciseIdLength} lower-case letters, digits and dashes`);
    }
    if (!isRecord(p)) return fail(`${where} must be an object { "done", "total", "title" }`);
    const done = count(p.done, `${where}.done`);
    if (typeof done !== 'number') return fail(done.error);
    const total = count(p.total, `${where}.total`);
    if (typeof total !== 'number') return fail(total.error);
    if (done > total) return fail(`${where}.done must not exceed total`);
    const title = text(p.title ?? '', STATUS_LIMITS.titleLength, `${where}.title`, true);
    if (typeof title !== 'string') return fail(title.error);
    progress[id] = { done, total, title };
  }
  let exercise: string | null = null;
  if (m.exercise !== undefined && m.exercise !== null) {
    if (typeof m.exercise !== 'string' || m.exercise.length > STATUS_LIMITS.exerciseIdLength || !EXERCISE_ID.test(m.exercise)) {
      return fail(`exercise must be null or an exercise id (1–${STATUS_LIMITS.exerciseIdLength} lower-case letters, digits and dashes)`);
    }
    exercise = m.exercise;
  }
  return { ok: true, value: { connections, progress, exercise } };
}

// ---------------------------------------------------------------------------------------------
// A room's workshop state
// ---------------------------------------------------------------------------------------------

/** A per-client limiter for status messages (separate from the frame limiter: a status is
 *  cheap to receive but fans out to every teacher). */
export function statusBucket(nowMs: number): TokenBucket {
  return new TokenBucket(STATUS_LIMITS.perSecond, STATUS_LIMITS.perSecond, nowMs);
}

interface Stored {
  status: HostStatus;
  /** Serialized, to tell a real change from a repeat cheaply. */
  json: string;
}

/**
 * Who teaches in one room, and every host's latest status. The room calls it as hosts come and go;
 * it sends the workshop messages itself.
 */
export class RoomWorkshop {
  private readonly teachers = new Set<Member>();
  private readonly latest = new Map<Member, Stored>();
  /** Status messages ignored for going over the per-client rate. */
  statusRateLimited = 0;
  /** Status messages that changed nothing and were not forwarded. */
  statusUnchanged = 0;

  constructor(
    /** Everyone in the room now, in joining order. */
    private readonly members: () => Iterable<Member>,
    private code: string = newTeacherCode(),
  ) {}

  get teacherCode(): string {
    return this.code;
  }

  /** A teacher is in the room. */
  get watched(): boolean {
    return this.teachers.size > 0;
  }

  get teacherCount(): number {
    return this.teachers.size;
  }

  /** Does `given` (any case) open the teacher role? Compared in constant time. */
  codeMatches(given: string): boolean {
    return teacherCodeMatches(given, this.code);
  }

  /**
   * The room takes a code other than its random one: the code held for it since it last emptied
   * (teacher-codes.ts), or a strong one its creator chose. Only before anyone is in the room.
   */
  adoptCode(given: string): boolean {
    const g = normalizeTeacherCode(given);
    if (g === null) return false;
    this.code = g;
    return true;
  }

  isTeacher(m: Member): boolean {
    return this.teachers.has(m);
  }

  /** The welcome's workshop fields for a host joining with `role`. */
  welcomeFields(role: Role): { role: Role; teacherCode?: string; watchedByTeacher: boolean } {
    if (role === 'teacher') return { role, teacherCode: this.code, watchedByTeacher: true };
    return { role, watchedByTeacher: this.watched };
  }

  /** After the welcome and host-joined: a teacher gets the snapshot; the first one is announced. */
  joined(member: Member, role: Role): void {
    if (role !== 'teacher') return;
    const first = this.teachers.size === 0;
    this.teachers.add(member);
    const hosts: HostStatusEntry[] = [];
    for (const m of this.members()) {
      const s = this.latest.get(m);
      if (s !== undefined && m !== member) hosts.push(entry(m, s.status));
    }
    member.notify({ type: 'room-status', hosts });
    if (first) this.broadcast({ type: 'teacher', present: true }, member);
  }

  /** After host-left went out. */
  left(member: Member): void {
    this.latest.delete(member);
    if (this.teachers.delete(member) && this.teachers.size === 0) this.broadcast({ type: 'teacher', present: false }, null);
  }

  /** A valid status from `member` (already past the rate limit): keep it, tell the teachers if it changed. */
  publish(member: Member, status: HostStatus): void {
    const json = JSON.stringify(status);
    if (this.latest.get(member)?.json === json) {
      this.statusUnchanged++;
      return;
    }
    this.latest.set(member, { status, json });
    const message: ServerMessage = { type: 'status', ...entry(member, status) };
    for (const t of this.teachers) if (t !== member) t.notify(message);
  }

  /** The latest status of `member`, if it sent one. */
  statusOf(member: Member): HostStatus | undefined {
    return this.latest.get(member)?.status;
  }

  private broadcast(message: ServerMessage, except: Member | null): void {
    for (const m of this.members()) if (m !== except) m.notify(message);
  }
}

function entry(m: Member, status: HostStatus): HostStatusEntry {
  return { host: m.info.hostname, address: m.info.address, name: m.info.name, status };
}
