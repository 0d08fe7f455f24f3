// Sessions in IndexedDB: their metadata, and their traces as chunks of records. Every write of
// a chunk also updates the session's counters in the same transaction, so the list of sessions
// never disagrees with what is stored.
import type { TraceRecord } from './trace-record.ts';
import type { PlaygroundDb } from './db.ts';
import { DEFAULT_SETTINGS } from './types.ts';
import type { NewSession, SessionMeta, Settings, TraceChunk } from './types.ts';
import { expandRecord } from './compact.ts';
import { packRecords, unpackRecords } from './record-pack.ts';

const SETTINGS_KEY = 'settings';

/** All chunk keys of one session: [id, any seq]. */
function chunksOf(id: number): IDBKeyRange {
  return IDBKeyRange.bound([id, -Infinity], [id, Infinity]);
}

export class SessionStore {
  constructor(readonly db: PlaygroundDb) {}

  // --- settings ---

  async loadSettings(): Promise<Settings> {
    const stored = (await this.db.get('settings', SETTINGS_KEY)) as Partial<Settings> | undefined;
    // Unknown or missing fields fall back to the defaults: old databases keep working.
    return { ...DEFAULT_SETTINGS, ...(typeof stored === 'object' && stored !== null ? stored : {}) };
  }

  async saveSettings(settings: Settings): Promise<void> {
    await this.db.put('settings', { ...settings }, SETTINGS_KEY);
  }

  // --- sessions ---

  async create(session: NewSession): Promise<number> {
    // The store's key generator fills in `id`; idb's typing wants it present, hence the cast.
    return this.db.add('sessions', session as SessionMeta);
  }

  async get(id: number): Promise<SessionMeta | undefined> {
    return this.db.get('sessions', id);
  }

  /** Newest first. */
  async list(): Promise<SessionMeta[]> {
    const all = await this.db.getAllFromIndex('sessions', 'startedAt');
    return all.reverse();
  }

  async update(id: number, patch: Partial<NewSession>): Promise<SessionMeta | undefined> {
    const tx = this.db.transaction('sessions', 'readwrite');
    const meta = await tx.store.get(id);
    if (meta === undefined) {
      await tx.done;
      return undefined;
    }
    const next = { ...meta, ...patch, id };
    await tx.store.put(next);
    await tx.done;
    return next;
  }

  /**
   * Store a run of consecutive records and count them on the session, in one transaction.
   * The chunk's key is its first seq, so a chunk written twice replaces itself.
   */
  async append(id: number, records: readonly TraceRecord[], patch: Partial<NewSession> = {}): Promise<void> {
    const first = records[0];
    if (first === undefined && Object.keys(patch).length === 0) return;
    const tx = this.db.transaction(['chunks', 'sessions'], 'readwrite');
    const sessions = tx.objectStore('sessions');
    const writes: Promise<unknown>[] = [];
    // Packed: one byte array per chunk is one copy to clone, where objects were a walk (record-pack.ts).
    for (const { first, packed } of packRecords(records)) {
      const chunk: TraceChunk = { session: id, first, packed };
      writes.push(tx.objectStore('chunks').put(chunk));
    }
    const meta = await sessions.get(id);
    if (meta !== undefined) {
      let segments = 0;
      for (const r of records) if (r.event.type === 'segment') segments++;
      const last = records[records.length - 1];
      writes.push(
        sessions.put({
          ...meta,
          ...patch,
          id,
          records: meta.records + records.length,
          segments: meta.segments + segments,
          lastReal: last?.real ?? meta.lastReal,
        }),
      );
    }
    await Promise.all(writes);
    await tx.done;
  }

  /**
   * Every record of a session that can be read, in seq order, and what could not: a damaged
   * chunk still gives the records before the damage, and says where and why it stopped.
   */
  async read(id: number): Promise<{ records: TraceRecord[]; problems: string[] }> {
    const chunks = await this.db.getAll('chunks', chunksOf(id));
    const records: TraceRecord[] = [];
    const problems: string[] = [];
    for (const c of chunks) {
      if (c.packed instanceof Uint8Array) {
        const u = unpackRecords(c.packed);
        for (const r of u.records) records.push(r);
        if (!u.ok) problems.push(`chunk from record ${c.first}: ${u.reason}`);
      } else if (Array.isArray(c.records)) {
        let lost = 0;
        for (const stored of c.records) {
          const r = expandRecord(stored);
          if (r !== null) records.push(r);
          else lost++;
        }
        if (lost > 0) problems.push(`chunk from record ${c.first}: ${lost} stored packets no longer decode (left out)`);
      } else {
        problems.push(`chunk from record ${c.first}: neither packed records nor a list of them`);
      }
    }
    return { records, problems };
  }

  async delete(id: number): Promise<void> {
    const tx = this.db.transaction(['chunks', 'sessions'], 'readwrite');
    await Promise.all([tx.objectStore('chunks').delete(chunksOf(id)), tx.objectStore('sessions').delete(id)]);
    await tx.done;
  }

  /** Delete every session (settings stay). */
  async clear(): Promise<void> {
    const tx = this.db.transaction(['chunks', 'sessions'], 'readwrite');
    await Promise.all([tx.objectStore('chunks').clear(), tx.objectStore('sessions').clear()]);
    await tx.done;
  }

  /** Store a whole session at once (an imported file): a new id, chunks of `chunkSize`. */
  async importSession(meta: NewSession, records: readonly TraceRecord[], chunkSize = 5_000): Promise<number> {
    const id = await this.create({ ...meta, records: 0, segments: 0, lastReal: null });
    for (let i = 0; i < records.length; i += chunkSize) await this.append(id, records.slice(i, i + chunkSize));
    return id;
  }
}
