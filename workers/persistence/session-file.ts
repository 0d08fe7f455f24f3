// A session as a JSON file, to hand to a teacher or open on another machine. Bytes and numbers
// JSON cannot hold are tagged (json-bytes.ts). Import checks the shape and says what is wrong.
import type { TraceRecord } from './trace-record.ts';
import { bytesReplacer, bytesReviver } from './json-bytes.ts';
import type { NewSession, SessionHost, SessionMeta, SessionMode } from './types.ts';

export const SESSION_FILE_FORMAT = 'tcp-playground-session';
export const SESSION_FILE_VERSION = 1;

export interface SessionFile {
  format: typeof SESSION_FILE_FORMAT;
  version: number;
  exportedAt: string;
  session: Omit<SessionMeta, 'id'>;
  records: TraceRecord[];
}

export function encodeSessionFile(meta: SessionMeta, records: readonly TraceRecord[]): string {
  const { id: _id, ...session } = meta;
  const file: SessionFile = {
    format: SESSION_FILE_FORMAT,
    version: SESSION_FILE_VERSION,
    exportedAt: new Date().toISOString(),
    session,
    records: records as TraceRecord[],
  };
  return JSON.stringify(file, bytesReplacer);
}

export type DecodedSession = { ok: true; session: NewSession; records: TraceRecord[] } | { ok: false; reason: string };

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function decodeSessionFile(text: string): DecodedSession {
  let raw: unknown;
  try {
    raw = JSON.parse(text, bytesReviver);
  } catch (e) {
    return { ok: false, reason: `not a session file: the JSON does not parse (${(e as Error).message})` };
  }
  if (typeof raw !== 'object' || raw === null) return { ok: false, reason: 'not a session file: expected a JSON object' };
  const f = raw as Partial<SessionFile>;
  if (f.format !== SESSION_FILE_FORMAT) return { ok: false, reason: `not a session file: "format" must be "${SESSION_FILE_FORMAT}"` };
  if (f.version !== SESSION_FILE_VERSION) return { ok: false, reason: `unsupported session file version ${String(f.version)}, this app reads version ${SESSION_FILE_VERSION}` };
  if (!Array.isArray(f.records)) return { ok: false, reason: 'damaged session file: "records" must be an array' };
  for (let i = 0; i < f.records.length; i++) {
    const r = f.records[i] as Partial<TraceRecord> | null;
    if (typeof r !== 'object' || r === null || num(r.seq) === null || num(r.real) === null || typeof r.event !== 'object' || r.event === null || typeof r.event.type !== 'string') {
      return { ok: false, reason: `damaged session file: record ${i} needs seq, real and an event with a type` };
    }
  }
  const s = (typeof f.session === 'object' && f.session !== null ? f.session : {}) as Partial<NewSession>;
  const mode: SessionMode = s.mode === 'offline' ? 'offline' : 'relay';
  const hosts: SessionHost[] = Array.isArray(s.hosts)
    ? s.hosts.flatMap((h) => (typeof h === 'object' && h !== null && typeof h.address === 'string' ? [{ address: h.address, hostname: str(h.hostname) ?? h.address }] : []))
    : [];
  const records = f.records;
  const session: NewSession = {
    startedAt: num(s.startedAt) ?? records[0]?.real ?? Date.now(),
    endedAt: num(s.endedAt),
    mode,
    room: str(s.room),
    name: str(s.name),
    url: str(s.url),
    profile: str(s.profile),
    hosts,
    records: records.length,
    segments: records.filter((r) => r.event.type === 'segment').length,
    lastReal: records[records.length - 1]?.real ?? null,
    imported: true,
  };
  return { ok: true, session, records };
}
