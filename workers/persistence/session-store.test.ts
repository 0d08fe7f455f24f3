// SessionStore's chunks: written packed, read back in seq order, next to the object chunks that
// databases from before packing hold, and a damaged chunk loses only itself.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { TraceRecord } from './trace-record.ts';
import { encodePacket, decodePacket } from '../tcp/wire/packet.ts';
import { Flag } from '../tcp/wire/types.ts';
import { openPlaygroundDb } from './db.ts';
import { SessionStore } from './session-store.ts';
import { newSession } from './test-fixtures.ts';

function segment(seq: number): TraceRecord {
  const bytes = encodePacket(
    { src: 0x0a000101, dst: 0x0a000102 },
    { srcPort: 49152, dstPort: 80, seq: seq * 100, ack: 1, flags: Flag.ACK, window: 65535, urgent: 0, options: {}, payload: new Uint8Array(100).fill(seq & 0xff) },
  );
  const d = decodePacket(bytes);
  if (!d.ok) throw new Error(d.reason);
  return { seq, real: 1_700_000_000_000 + seq, event: { type: 'segment', t: seq, host: '10.0.1.1', dir: 'out', conn: 1, bytes, seg: d.value.tcp, src: '10.0.1.1', dst: '10.0.1.2', reason: 'data' } };
}

function deliver(seq: number): TraceRecord {
  return { seq, real: 1_700_000_000_000 + seq, event: { type: 'deliver', t: seq, host: '10.0.1.2', conn: 1, bytes: 100 } };
}

describe('SessionStore chunks', () => {
  it('writes packed chunks and counts what it wrote on the session', async () => {
    const store = new SessionStore(await openPlaygroundDb('store-packed'));
    const id = await store.create(newSession());
    const records = Array.from({ length: 1_000 }, (_, i) => (i % 2 === 0 ? segment(i) : deliver(i)));
    await store.append(id, records.slice(0, 600));
    await store.append(id, records.slice(600), { endedAt: 5 });
    const chunks = await store.db.getAll('chunks');
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks) {
      expect(c.packed).toBeInstanceOf(Uint8Array);
      expect(c.records).toBeUndefined();
    }
    expect(await store.read(id)).toEqual({ records, problems: [] });
    expect(await store.get(id)).toMatchObject({ records: 1_000, segments: 500, endedAt: 5, lastReal: records[999]!.real });
  });

  it('still reads the object chunks of a database written before packing, in seq order with packed ones', async () => {
    const store = new SessionStore(await openPlaygroundDb('store-old'));
    const id = await store.create(newSession());
    const old = [segment(0), deliver(1), segment(2)];
    // As the store wrote them then: segment events without their decoded `seg`.
    const stored = old.map((r) => (r.event.type === 'segment' ? { ...r, event: { ...r.event, seg: null } } : r));
    await store.db.put('chunks', { session: id, first: 0, records: stored } as never);
    const later = [deliver(3), segment(4)];
    await store.append(id, later);
    expect(await store.read(id)).toEqual({ records: [...old, ...later], problems: [] });
  });

  it('a damaged chunk loses only its own records after the damage', async () => {
    const store = new SessionStore(await openPlaygroundDb('store-damaged'));
    const id = await store.create(newSession());
    const records = Array.from({ length: 2_000 }, (_, i) => segment(i));
    await store.append(id, records);
    const chunks = await store.db.getAll('chunks');
    expect(chunks.length).toBeGreaterThan(2);
    const victim = chunks[1]!;
    await store.db.put('chunks', { ...victim, packed: victim.packed!.slice(0, victim.packed!.length - 50) });
    const { records: back, problems } = await store.read(id);
    const firstOfNext = chunks[2]!.first;
    // Everything but the last record of the damaged chunk, and where and why it stopped.
    expect(back.map((r) => r.seq)).toEqual(records.map((r) => r.seq).filter((s) => s !== firstOfNext - 1));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^chunk from record ${victim.first}: damaged chunk after \\d+ records: it ends early`));
  });

  it('says so when an old object chunk holds a packet that no longer decodes', async () => {
    const store = new SessionStore(await openPlaygroundDb('store-old-damaged'));
    const id = await store.create(newSession());
    const good = segment(0);
    const bad = segment(1);
    const stored = [good, bad].map((r) => (r.event.type === 'segment' ? { ...r, event: { ...r.event, seg: null } } : r));
    (stored[1]!.event as { bytes: Uint8Array }).bytes = new Uint8Array([0x45, 0, 0, 1]);
    await store.db.put('chunks', { session: id, first: 0, records: stored } as never);
    expect(await store.read(id)).toEqual({ records: [good], problems: ['chunk from record 0: 1 stored packets no longer decode (left out)'] });
  });
});
