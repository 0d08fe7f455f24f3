// Starting the endpoint worker and wrapping it with comlink. The only place that knows how the
// worker is built: Vite bundles it from the `new Worker(new URL(…))` pattern.
import { wrap } from 'comlink';
import type { Remote } from 'comlink';
import type { EndpointApi, WorkshopApi } from '../../workers/api.ts';

/** The worker's whole surface: the endpoint and the workshop calls (EndpointService implements both). */
export type WorkerApi = EndpointApi & WorkshopApi;

export interface EndpointHandle {
  api: Remote<WorkerApi>;
  /** Called with a sentence when the worker fails to load or throws outside a call. */
  onFailure(listener: (message: string) => void): void;
  terminate(): void;
}

export function startEndpointWorker(): EndpointHandle {
  const worker = new Worker(new URL('../../workers/endpoint.worker.ts', import.meta.url), { type: 'module', name: 'tcp-endpoint' });
  const api = wrap<WorkerApi>(worker);
  const listeners: ((message: string) => void)[] = [];
  const fail = (message: string) => listeners.forEach((l) => l(message));
  worker.addEventListener('error', (e: ErrorEvent) => {
    e.preventDefault();
    fail(`The TCP worker failed: ${e.message || 'it could not be loaded'}. Reload the page to start again (your saved sessions are kept).`);
  });
  worker.addEventListener('messageerror', () => fail('A message from the TCP worker could not be read.'));
  return {
    api,
    onFailure: (l) => listeners.push(l),
    terminate: () => worker.terminate(),
  };
}
