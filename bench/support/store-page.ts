// The page of bench/store.bench.ts: stores a real trace in IndexedDB the way SessionStore does
// (packed chunks, record-pack.ts) and the way it did before (object chunks of 40 records, the
// reference), and reads both back. What is timed is the page's own thread: IndexedDB clones a
// value synchronously in put(), so that is where a store costs the thread that writes.
import { decodeSessionFile } from '../../workers/persistence/session-file.ts';
import { packRecords, unpackRecords } from '../../workers/persistence/record-pack.ts';
import { expandRecord, type StoredRecord } from '../../workers/persistence/compact.ts';
import { cloneSafeRecord, ownBytes } from '../../workers/clone-safe.ts';
import type { TraceRecord } from '../../workers/api.ts';

/** Records per write, as the worker's SessionSaver writes them (DEFAULT_MAX_WRITE). */
const WRITE = 500;
/** Records per object chunk in the format before packing. */
const OBJECT_CHUNK = 40;

type Mode = 'objects' | 'packed';

interface Figures {
  mode: Mode;
  records: number;
  writeMs: number;
  readMs: number;
  puts: number;
}

function objectRecord(r: TraceRecord): StoredRecord {
  const e = r.event;
  if (e.type === 'segment' && e.bytes.length > 0) return { seq: r.seq, real: r.real, event: { ...e, seg: null, bytes: ownBytes(e.bytes) } };
  return cloneSafeRecord(r);
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

async function openDb(name: string): Promise<IDBDatabase> {
  const r = indexedDB.open(name, 1);
  r.onupgradeneeded = () => r.result.createObjectStore('chunks', { keyPath: ['session', 'first'] });
  return request(r);
}

async function once(db: IDBDatabase, mode: Mode, session: number, records: readonly TraceRecord[]): Promise<Figures> {
  let writeMs = 0;
  let puts = 0;
  for (let i = 0; i < records.length; i += WRITE) {
    const part = records.slice(i, i + WRITE);
    const tx = db.transaction('chunks', 'readwrite');
    const store = tx.objectStore('chunks');
    const t0 = performance.now();
    if (mode === 'packed') {
      for (const c of packRecords(part)) {
        store.put({ session, first: c.first, packed: c.packed });
        puts++;
      }
    } else {
      for (let j = 0; j < part.length; j += OBJECT_CHUNK) {
        const chunk = part.slice(j, j + OBJECT_CHUNK);
        store.put({ session, first: chunk[0]!.seq, records: chunk.map(objectRecord) });
        puts++;
      }
    }
    writeMs += performance.now() - t0;
    await done(tx);
  }
  const t0 = performance.now();
  const tx = db.transaction('chunks', 'readonly');
  const chunks = (await request(tx.objectStore('chunks').getAll(IDBKeyRange.bound([session, -Infinity], [session, Infinity])))) as {
    packed?: Uint8Array;
    records?: StoredRecord[];
  }[];
  let back = 0;
  for (const c of chunks) {
    if (c.packed) back += unpackRecords(c.packed).records.length;
    else for (const r of c.records ?? []) if (expandRecord(r) !== null) back++;
  }
  const readMs = performance.now() - t0;
  if (back !== records.length) throw new Error(`${mode}: ${back} of ${records.length} records read back`);
  return { mode, records: records.length, writeMs, readMs, puts };
}

declare global {
  interface Window {
    storeBench: (rounds: number) => Promise<Figures[]>;
  }
}

window.storeBench = async (rounds) => {
  const text = await (await fetch('trace.json')).text();
  const decoded = decodeSessionFile(text);
  if (!decoded.ok) throw new Error(decoded.reason);
  const records = decoded.records;
  const db = await openDb(`store-bench-${Date.now()}`);
  const out: Figures[] = [];
  // Alternated, so a slow moment of the machine colours both formats alike.
  for (let i = 0; i < rounds; i++) for (const mode of ['objects', 'packed'] as const) out.push(await once(db, mode, out.length + 1, records));
  db.close();
  return out;
};
