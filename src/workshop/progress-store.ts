// Where a student's exercise progress lives between page loads: IndexedDB (via idb), one record
// per room + host name + exercise (progressKey of pack and id), so a reload loses nothing and two
// tabs of the same student never overwrite each other: every save merges with what is stored
// (progress.ts mergeProgress is commutative and idempotent), inside one readwrite transaction.
//
// The controller only sees the ProgressStore interface; tests (and browsers without IndexedDB,
// e.g. some private modes) use MemoryProgressStore.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { ExerciseProgress, Progress } from '../exercises/index.ts';
import { emptyProgress, mergeProgress, parseProgress } from '../exercises/index.ts';

export interface ProgressStore {
  /** Everything saved for this room and host ({} exercises when nothing is). */
  load(room: string, host: string): Promise<Progress>;
  /** Merge `progress` into what is saved; resolves with the merged result. */
  save(room: string, host: string, progress: Progress): Promise<Progress>;
}

const DB_NAME = 'tcp-playground-workshop';
const STORE = 'progress';

/** One saved exercise: [room, host, progressKey] → its ExerciseProgress. */
interface Row {
  room: string;
  host: string;
  key: string;
  progress: ExerciseProgress;
}

interface Schema extends DBSchema {
  progress: { key: [string, string, string]; value: Row };
}

/** Every key of one room and host sorts between these two (array keys compare element-wise). */
function rangeOf(room: string, host: string): IDBKeyRange {
  return IDBKeyRange.bound([room, host, ''], [room, host, '\uffff']);
}

/** Rows → Progress, through the tolerant parser: a malformed row is dropped, not fatal. */
function toProgress(rows: readonly Row[]): Progress {
  const exercises: Record<string, unknown> = {};
  for (const r of rows) exercises[r.key] = r.progress;
  return parseProgress({ version: 1, exercises });
}

export class IdbProgressStore implements ProgressStore {
  private db: Promise<IDBPDatabase<Schema>> | null = null;

  constructor(private readonly dbName = DB_NAME) {}

  private open(): Promise<IDBPDatabase<Schema>> {
    this.db ??= openDB<Schema>(this.dbName, 1, {
      upgrade(db) {
        db.createObjectStore(STORE, { keyPath: ['room', 'host', 'key'] });
      },
    });
    return this.db;
  }

  async load(room: string, host: string): Promise<Progress> {
    const db = await this.open();
    return toProgress(await db.getAll(STORE, rangeOf(room, host)));
  }

  async save(room: string, host: string, progress: Progress): Promise<Progress> {
    const db = await this.open();
    const tx = db.transaction(STORE, 'readwrite');
    const saved = toProgress(await tx.store.getAll(rangeOf(room, host)));
    const merged = mergeProgress(saved, progress);
    for (const [key, p] of Object.entries(merged.exercises)) {
      // Unchanged rows are not rewritten: saves happen on every tick.
      if (saved.exercises[key] !== undefined && JSON.stringify(saved.exercises[key]) === JSON.stringify(p)) continue;
      await tx.store.put({ room, host, key, progress: p });
    }
    await tx.done;
    return merged;
  }
}

/** The same contract in memory (tests, and the fallback without IndexedDB). */
export class MemoryProgressStore implements ProgressStore {
  private readonly rows = new Map<string, Progress>();

  async load(room: string, host: string): Promise<Progress> {
    return this.rows.get(JSON.stringify([room, host])) ?? emptyProgress();
  }

  async save(room: string, host: string, progress: Progress): Promise<Progress> {
    const k = JSON.stringify([room, host]);
    const merged = mergeProgress(this.rows.get(k) ?? emptyProgress(), progress);
    this.rows.set(k, merged);
    return merged;
  }
}

/** IndexedDB when the browser has it, else memory (progress then lasts as long as the tab). */
export function defaultProgressStore(): ProgressStore {
  return typeof indexedDB !== 'undefined' ? new IdbProgressStore() : new MemoryProgressStore();
}
