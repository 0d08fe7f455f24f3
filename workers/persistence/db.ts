// The IndexedDB database, through idb. One database for the app: settings, session metadata and
// trace chunks. Bump DB_VERSION and extend upgrade() for any schema change.
import { openDB } from 'idb';
import type { DBSchema, IDBPDatabase } from 'idb';
import type { SessionMeta, TraceChunk } from './types.ts';

export const DB_NAME = 'tcp-playground';
export const DB_VERSION = 1;

export interface PlaygroundSchema extends DBSchema {
  settings: { key: string; value: unknown };
  sessions: { key: number; value: SessionMeta; indexes: { startedAt: number } };
  chunks: { key: [number, number]; value: TraceChunk };
}

export type PlaygroundDb = IDBPDatabase<PlaygroundSchema>;

/** Open (and create or upgrade) the database. Rejects when IndexedDB is unavailable. */
export async function openPlaygroundDb(name = DB_NAME): Promise<PlaygroundDb> {
  if (typeof indexedDB === 'undefined') throw new Error('IndexedDB is not available in this browser');
  const db = await openDB<PlaygroundSchema>(name, DB_VERSION, {
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        db.createObjectStore('settings');
        const sessions = db.createObjectStore('sessions', { keyPath: 'id', autoIncrement: true });
        sessions.createIndex('startedAt', 'startedAt');
        db.createObjectStore('chunks', { keyPath: ['session', 'first'] });
      }
    },
    // Another tab wants a newer schema: let it have the database rather than block it forever.
    blocking() {
      db.close();
    },
  });
  return db;
}
