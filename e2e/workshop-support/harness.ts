// Test harness page for e2e/exercises.test.ts (not part of the app): starts the endpoint worker
// exactly as the app does, mounts <tcp-workshop> fed from the worker's subscription the way the
// app shell does (one assignment per update), and puts a small handle on `window.workshop` so the
// test can do an exercise's steps through the worker API.
import { proxy, wrap, type Remote } from 'comlink';
import type { EndpointApi, LinkState, WorkerUpdate, WorkshopApi } from '../../workers/api.ts';
import '../../src/workshop/workshop-view.ts';
import type { SetupReport } from '../../src/workshop/workshop-controller.ts';
import { waitJoined as waitJoinedOn } from '../../workers/wait-joined.ts';

const worker = new Worker(new URL('../../workers/endpoint.worker.ts', import.meta.url), { type: 'module' });
const api: Remote<EndpointApi & WorkshopApi> = wrap<EndpointApi & WorkshopApi>(worker);

const el = document.createElement('tcp-workshop');
el.api = api;
let link: LinkState = { status: 'idle' };

// Identity from the query (?room=…&name=…), as the app shell would pass what it joined with.
const query = new URLSearchParams(location.search);
el.room = query.get('room') ?? '';
el.hostName = query.get('name') ?? '';
document.body.append(el);

void api.subscribe(
  proxy((u: WorkerUpdate) => {
    if (u.link !== undefined) el.link = link = u.link;
    if (u.roomStatus !== undefined) el.roomStatus = u.roomStatus;
    el.records = u.records;
  }),
);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const waitJoined = (timeoutMs?: number): Promise<LinkState> => waitJoinedOn(() => api.linkState(), timeoutMs);

/** Accept on `port` until a connection arrives (the app's accept loop, in short). */
async function acceptOne(port: number, host = 0, timeoutMs = 10_000): Promise<number> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    const r = await api.accept(port, host);
    if (!r.ok) throw new Error(r.error.message);
    if (r.value !== null) return r.value;
    if (performance.now() > until) throw new Error(`nothing accepted on ${port}`);
    await sleep(10);
  }
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** An API result's value, or a thrown Error with the worker's message (fails the test). */
async function must<T>(p: Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** Every Set up / Arm report, in order, so the test can wait for the one its click started. */
const reports: SetupReport[] = [];
let lastReport: SetupReport | null = null;
el.workshop?.subscribe((s) => {
  if (s.setup !== null && s.setup !== lastReport && !s.busy) reports.push((lastReport = s.setup));
});

const workshop = { api, el, sleep, waitJoined, acceptOne, text, must, reports, link: () => link };

declare global {
  interface Window {
    workshop: typeof workshop;
  }
}

window.workshop = workshop;
document.title = 'workshop harness ready';
