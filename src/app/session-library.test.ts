// Saved sessions against IndexedDB (fake-indexeddb) and a real EndpointService: the settings come
// from the store, an imported file opens read-only, a saved session does not open over a live
// one, deleting the one on screen closes it, and without a database every action says so.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReactiveControllerHost } from 'lit';
import { SessionLibrary } from './session-library.ts';
import { SettingsController } from './settings-controller.ts';
import { realPlayground } from './playground-test-support.ts';
import { encodeSessionFile } from '../../workers/persistence/session-file.ts';
import type { SessionMeta } from '../../workers/persistence/types.ts';
import type { TraceRecord } from '../../workers/api.ts';
import { handshake } from '../model/test-fixtures.ts';

const started: { dispose(): void }[] = [];
afterEach(() => started.splice(0).forEach((s) => s.dispose()));

const META: SessionMeta = {
  id: 0, startedAt: 1_700_000_000_000, endedAt: 1_700_000_060_000, mode: 'offline', room: null, name: null, url: null, profile: 'modern',
  hosts: [{ address: '10.0.0.1', hostname: 'host-1' }, { address: '10.0.0.2', hostname: 'host-2' }], records: 0, segments: 0, lastReal: null, imported: false,
};

function setup() {
  const { pg, service } = realPlayground();
  started.push(service);
  const host = { theme: 'light', presentation: false, addController: () => {}, removeController: () => {}, requestUpdate: () => {}, updateComplete: Promise.resolve(true) } as ReactiveControllerHost & { theme: 'light'; presentation: boolean };
  const settings = new SettingsController(host, pg.socketViews.prefs);
  const seen = { resets: 0, closed: 0, continued: [] as SessionMeta[] };
  const library = new SessionLibrary(host, pg, settings, {
    resetView: () => void seen.resets++,
    continueSession: async (m) => void seen.continued.push(m),
    closeDrawer: () => void seen.closed++,
  });
  return { pg, settings, library, seen };
}

function sessionFile(): File {
  const records: TraceRecord[] = handshake().events.map((event, seq) => ({ seq, real: META.startedAt + seq, event }));
  return new File([encodeSessionFile({ ...META, records: records.length }, records)], 'lab.json', { type: 'application/json' });
}

describe('SessionLibrary', () => {
  it('imports a session file and opens it read-only; deleting it closes it', async () => {
    const { pg, library, seen } = setup();
    await pg.start();
    await library.open();
    await library.action({ action: 'clear' });
    await library.action({ action: 'import', file: sessionFile() });
    expect(pg.notices.all.at(-1)!.text).toMatch(/^Imported \d+ events from lab\.json\.$/);
    expect(library.sessions).toHaveLength(1);
    expect(library.archive?.meta.imported).toBe(true);
    expect(library.archive?.trace.index.rows().length).toBe(6);
    expect(library.archive?.resumed).toBe(false);
    expect(seen).toMatchObject({ resets: 1, closed: 1 });
    const id = library.sessions[0]!.id;
    await library.action({ action: 'continue', id });
    expect(seen.continued.map((m) => m.id)).toEqual([id]);
    await library.action({ action: 'delete', id });
    expect(library.archive).toBeNull();
    expect(library.sessions).toEqual([]);
  });

  it('does not open a saved session over a live one, and says why', async () => {
    const { pg, library } = setup();
    await pg.start();
    await library.open();
    await library.action({ action: 'import', file: sessionFile() });
    library.closeArchive();
    expect(await pg.session.startOffline(2)).toBe(true);
    await library.action({ action: 'open', id: library.sessions.at(-1)!.id });
    expect(library.archive).toBeNull();
    expect(pg.notices.all.at(-1)!.text).toBe('Leave the running session first: a saved session opens in place of the live one.');
    // The live session is what an export takes: its records from memory.
    expect(library.current(null)?.records).toBe(pg.intake.trace.records);
    await library.action({ action: 'open', id: 987_654 });
    expect(pg.notices.all.at(-1)!.text).toBe('That session is gone (deleted in another tab?).');
  });

  it('refuses a file that is not a session, in words', async () => {
    const { pg, library } = setup();
    await pg.start();
    await library.open();
    await library.action({ action: 'import', file: new File(['{"format":"nope"}'], 'bad.json') });
    expect(pg.notices.all.at(-1)).toMatchObject({ level: 'error' });
    expect(pg.notices.all.at(-1)!.text).toMatch(/^bad\.json: /);
  });

  it('without a database, says saved sessions are not available', async () => {
    const { pg, library } = setup();
    await library.action({ action: 'clear' });
    expect(pg.notices.all.at(-1)!.text).toBe('Saved sessions are not available in this browser.');
  });
});
