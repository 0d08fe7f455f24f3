// The endpoint worker's entry: one TCP host (or several, offline) per tab, exposed to the page
// through comlink as EndpointApi (api.ts). The worker owns the WebSocket to the relay, so
// segments never cross to the main thread; only the trace and the UI's calls do.
//
// Page side (Vite):
//   const worker = new Worker(new URL('../workers/endpoint.worker.ts', import.meta.url), { type: 'module' });
//   const api = wrap<EndpointApi>(worker);
/// <reference lib="webworker" />
import { expose } from 'comlink';
import { EndpointService } from './endpoint-service.ts';
import { realTimers } from './timers.ts';
import type { SocketLike } from './relay-link.ts';
import { openPlaygroundDb } from './persistence/db.ts';
import { SessionStore } from './persistence/session-store.ts';

function newSeed(): number {
  const a = new Uint32Array(1);
  crypto.getRandomValues(a);
  return a[0] ?? 1;
}

const service = new EndpointService({
  timers: realTimers,
  // The DOM types its handlers with `this: WebSocket` and full event classes; the link uses only
  // `data`, `code` and `reason` of them (SocketLike), so the narrower view is safe.
  createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
  newSeed,
  random: Math.random,
  // The saved sessions are written from here, not from the page (see session-saver.ts).
  openSessionWriter: async (dbName) => new SessionStore(await openPlaygroundDb(dbName)),
});

expose(service);
