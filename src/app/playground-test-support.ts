// The feature stores on a real EndpointService in this process (offline mode), as comlink shows it
// to the page (every call answers with a promise), for the stores' tests. Node only.
import { vi } from 'vitest';
import type { Remote } from 'comlink';
import { EndpointService } from '../../workers/endpoint-service.ts';
import { FakeRelay } from '../../workers/fake-relay.ts';
import { realTimers } from '../../workers/timers.ts';
import { Playground } from './playground.ts';
import type { WorkerApi } from './worker-client.ts';

export const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function realPlayground() {
  const service = new EndpointService({ timers: realTimers, createSocket: new FakeRelay().createSocket, newSeed: () => 9, random: () => 0.5 });
  const drawing = vi.spyOn(service, 'drawing');
  const drawn = vi.spyOn(service, 'drawn');
  const api = new Proxy(service, {
    get(target, key) {
      const v = Reflect.get(target, key) as unknown;
      return typeof v === 'function' ? (...args: unknown[]) => Promise.resolve((v as (...a: unknown[]) => unknown).apply(target, args)) : v;
    },
  }) as unknown as Remote<WorkerApi>;
  const pg = new Playground({ endpoint: { api, onFailure: () => {}, terminate: () => service.dispose() } });
  return { service, pg, drawing, drawn };
}

/** Two offline hosts, host 1 listening on port 80, host 0 connected to it: resolves with host 0's connection. */
export async function connected(pg: Playground): Promise<number> {
  await pg.start();
  if (!(await pg.session.startOffline(2))) throw new Error('offline mode did not start');
  if (!(await pg.socketViews.listen(1, 80))) throw new Error('listen failed');
  const conn = await pg.socketViews.connect(0, '10.0.0.2', 80);
  if (conn === undefined) throw new Error('connect failed');
  await wait(100);
  return conn;
}
