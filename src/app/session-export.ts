// Exporting a session as a file: pcap (one host's view, for Wireshark) or the JSON session file
// (import takes it back). The live session's description is made from the running stores when
// the database has no row for it (saving off).
import type { SessionMeta } from '../../workers/persistence/types.ts';
import type { TraceRecord } from '../../workers/api.ts';
import { encodeSessionFile } from '../../workers/persistence/session-file.ts';
import { sessionPcap } from '../../workers/persistence/pcap-export.ts';
import { downloadFile, safeName, stamp } from './download.ts';
import type { JoinRequest } from './live-session.ts';
import type { Playground } from './playground.ts';

export interface SessionRecords {
  meta: SessionMeta;
  records: readonly TraceRecord[];
}

/** The live session with its records from memory (always complete), described by its saved row if any. */
export function liveSession(pg: Playground, stored: SessionMeta | undefined, join: JoinRequest | null): SessionRecords {
  const trace = pg.intake.trace;
  const hosts = pg.hostControls.hosts.map((h) => ({ address: h.info.address, hostname: h.info.hostname }));
  const meta: SessionMeta = stored ?? {
    id: 0,
    startedAt: trace.records[0]?.real ?? Date.now(),
    endedAt: null,
    mode: pg.session.mode === 'offline' ? 'offline' : 'relay',
    room: join?.room ?? null,
    name: join?.name ?? null,
    url: join?.url ?? null,
    profile: join?.profile ?? null,
    hosts,
    records: trace.records.length,
    segments: 0,
    lastReal: null,
    imported: false,
  };
  return { meta: { ...meta, hosts: hosts.length > 0 ? hosts : meta.hosts }, records: trace.records };
}

export function exportPcap(meta: SessionMeta, records: readonly TraceRecord[], host: string | null): void {
  const bytes = sessionPcap(records, host);
  const who = meta.hosts.find((h) => h.address === host)?.hostname ?? host ?? 'all';
  downloadFile(`tcp-${safeName(meta.room ?? meta.mode)}-${safeName(who)}-${stamp(meta.startedAt)}.pcap`, bytes, 'application/vnd.tcpdump.pcap');
}

export function exportJson(meta: SessionMeta, records: readonly TraceRecord[]): void {
  downloadFile(`tcp-session-${safeName(meta.room ?? meta.mode)}-${stamp(meta.startedAt)}.json`, encodeSessionFile(meta, records), 'application/json');
}
