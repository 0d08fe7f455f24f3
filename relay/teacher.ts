// Workshops: the teacher role and the live status of every host (PROTOCOL.md §2.3).
//
// A room's teacher sees what each student's tab reports about itself (connections and their
// states, exercise progress), so the teacher can walk to the pair that is stuck. Students are told
// that a teacher is watching: nothing they publish is hidden from them.
//
// The relay never trusts a status: it is validated, bounded in size and normalized to the known
// fields before any teacher sees it, and rate limited per client.
import type { HostStatus, HostStatusEntry, Role, ServerMessage } from './protocol/messages.ts';
import { STATUS_LIMITS } from './protocol/status.ts';
import type { Member } from './member.ts';
import { TokenBucket } from './token-bucket.ts';

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
