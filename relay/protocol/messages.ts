// The JSON text messages of the relay protocol (PROTOCOL.md), both ways. The UI can import
// these types (`import type`) so both ends agree at compile time.
import type { RelayDropReason } from './drop-reasons.ts';
import { parseStatus, type HostStatus } from './status.ts';

export type { ConnectionStatus, ExerciseStatus, HostStatus } from './status.ts';

export const PROTOCOL_VERSION = 1;

export type HostKind = 'client' | 'bot' | 'peer' | 'kernel';

/** What a WebSocket client may say it is with `&kind=` on the URL (PROTOCOL.md §1): only how it
 *  is listed to the others; a `kernel` (a TUN bridge to a Linux kernel, relay/kernel/) is routed,
 *  limited and counted exactly like a `client`. */
export type ListedClientKind = Extract<HostKind, 'client' | 'kernel'>;

/** Check the `kind` query parameter: absent means `client`. Never throws. */
export function parseListedKind(value: string | null): { ok: true; value: ListedClientKind } | { ok: false; reason: string } {
  if (value === null || value === 'client') return { ok: true, value: 'client' };
  if (value === 'kernel') return { ok: true, value: 'kernel' };
  // The value is not quoted: a close reason may hold only 123 bytes (RFC 6455 §5.5).
  return { ok: false, reason: 'unknown kind: leave kind out, or use kind=kernel for a TUN bridge' };
}

export interface HostInfo {
  /** Dotted quad, e.g. "10.0.1.1". */
  address: string;
  /** Unique in the room, derived from the display name: "ana", "ana-2". */
  hostname: string;
  /** The display name as given (trimmed). */
  name: string;
  kind: HostKind;
}

export interface LimitsInfo {
  framesPerSecond: number;
  frameBurst: number;
  bytesPerSecond: number;
  byteBurst: number;
  maxPayload: number;
  maxQueuedBytes: number;
  heartbeatMs: number;
}

export interface WelcomeMessage {
  type: 'welcome';
  protocol: number;
  room: string;
  address: string;
  hostname: string;
  name: string;
  /** The room's subnet, "10.0.0.0/16". */
  subnet: string;
  mtu: number;
  /** Everyone else in the room, in joining order (bots first). */
  hosts: HostInfo[];
  limits: LimitsInfo;
  /** Workshop fields (PROTOCOL.md §2.3). Optional in the type because a relay older than the
   *  teacher role does not send them: read a missing `role` as "student", a missing
   *  `watchedByTeacher` as false. */
  role?: Role;
  /** Only for teachers: the code that lets another tab join as a teacher. */
  teacherCode?: string;
  /** A teacher (you included) is in the room and sees every host's status. */
  watchedByTeacher?: boolean;
}

export type Role = 'teacher' | 'student';

/** One host's latest status, as teachers receive it. */
export interface HostStatusEntry {
  /** The host's hostname. */
  host: string;
  address: string;
  name: string;
  status: HostStatus;
}

/** To teachers: a host's status changed. */
export interface HostStatusMessage extends HostStatusEntry {
  type: 'status';
}

/** To a teacher right after its welcome: every other host's latest status. */
export interface RoomStatusMessage {
  type: 'room-status';
  hosts: HostStatusEntry[];
}

/** To everyone: the first teacher arrived (true) or the last one left (false). */
export interface TeacherPresenceMessage {
  type: 'teacher';
  present: boolean;
}

export interface HostJoinedMessage {
  type: 'host-joined';
  host: HostInfo;
}

export interface HostLeftMessage {
  type: 'host-left';
  host: HostInfo;
}

/** The room's host list as it is now (everyone but you, in joining order), replacing the one
 *  you had: sent instead of the host-joined / host-left events a client missed while it was not
 *  reading (PROTOCOL.md §2.1). */
export interface HostsMessage {
  type: 'hosts';
  hosts: HostInfo[];
}

export interface UnreachableMessage {
  type: 'unreachable';
  /** The destination of the dropped frame. */
  dst: string;
}

/** Drops a sender can fix in its own packets. */
export type NoticeDropReason = Extract<RelayDropReason, 'malformed' | 'bad-length' | 'not-tcp' | 'spoofed' | 'over-mtu'>;

export interface DroppedMessage {
  type: 'dropped';
  reason: NoticeDropReason;
  /** A sentence for a person. */
  detail: string;
}

export interface ErrorMessage {
  type: 'error';
  reason: 'bad-message';
  detail: string;
}

export interface PongMessage {
  type: 'pong';
  id: number | string | null;
}

export type ServerMessage =
  | WelcomeMessage
  | HostJoinedMessage
  | HostLeftMessage
  | HostsMessage
  | UnreachableMessage
  | DroppedMessage
  | ErrorMessage
  | PongMessage
  | HostStatusMessage
  | RoomStatusMessage
  | TeacherPresenceMessage;

export interface PingMessage {
  type: 'ping';
  id?: number | string | null;
}

/** From a host: its connections and exercise progress (PROTOCOL.md §2.3). */
export interface StatusMessage extends HostStatus {
  type: 'status';
}

export type ClientMessage = PingMessage | StatusMessage;

const ID_MAX = 64;

export type ParsedClientMessage = { ok: true; value: ClientMessage } | { ok: false; detail: string };

/** Parse one text message from a client; never throws. */
export function parseClientMessage(text: string): ParsedClientMessage {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { ok: false, detail: 'text messages must be JSON objects, e.g. {"type":"ping","id":1}' };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    return { ok: false, detail: 'text messages must be JSON objects with a "type"' };
  }
  const m = v as Record<string, unknown>;
  if (m.type === 'status') {
    const status = parseStatus(m);
    return status.ok ? { ok: true, value: { type: 'status', ...status.value } } : status;
  }
  if (m.type !== 'ping') {
    return { ok: false, detail: `unknown message type ${JSON.stringify(m.type)}: the relay understands "ping" and "status"` };
  }
  const id = m.id;
  if (id === undefined || id === null) return { ok: true, value: { type: 'ping', id: null } };
  if ((typeof id === 'number' && Number.isFinite(id)) || (typeof id === 'string' && id.length <= ID_MAX)) {
    return { ok: true, value: { type: 'ping', id } };
  }
  return { ok: false, detail: `ping id must be a number or a string of at most ${ID_MAX} characters` };
}
