// The `status` message a host publishes about itself (PROTOCOL.md §2.3): its bounds and the
// validation the relay runs before any teacher sees one. The page reads the same bounds so it
// never sends a status the relay refuses.
import { STATES, type TcpState } from '../../workers/tcp/state.ts';

/** One connection end as a host reports it: "10.0.1.1:5000" → "10.0.0.7:7" (remote "*" for a listener). */
export interface ConnectionStatus {
  local: string;
  remote: string;
  state: TcpState;
}

/** How far a host got in one exercise. */
export interface ExerciseStatus {
  done: number;
  total: number;
  title: string;
}

/** What a host publishes about itself (validated and normalized by the relay). */
export interface HostStatus {
  connections: ConnectionStatus[];
  /** By exercise id. */
  progress: Record<string, ExerciseStatus>;
  /** The exercise open now, or null. */
  exercise: string | null;
}

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
