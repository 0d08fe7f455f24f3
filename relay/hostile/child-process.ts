// Forking a TypeScript entry of this folder in a Node process of its own (tsx's loader), with a
// request/answer IPC helper. The relay and the bystanders each get one, so the attackers in the
// test process share neither their event loop nor their heap.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
/** tsx's ESM loader, by path, so the fork works whatever the current directory is. */
const TSX_LOADER = pathToFileURL(join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

export function forkEntry(file: string, args: string[]): ChildProcess {
  const child = fork(join(here, file), args, { execArgv: ['--import', TSX_LOADER], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  // A send to a child that has died (the memory watchdog kills the relay) is answered by ask().
  child.on('error', () => {});
  return child;
}

/** The first message from `child` that `pick` accepts, or a rejection after `timeoutMs` or on exit. */
export function nextMessage<T>(child: ChildProcess, pick: (m: unknown) => T | undefined, timeoutMs: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (m: unknown): void => {
      const v = pick(m);
      if (v === undefined) return;
      done();
      resolve(v);
    };
    const onExit = (code: number | null, signal: string | null): void => {
      done();
      reject(new Error(`${what}: the child exited (${code ?? signal}) before answering`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`${what}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

let nextId = 1;
/** Send `{ type, id }` and wait for `{ type: 'answer', id, value }`. */
export async function ask<T>(child: ChildProcess, type: string, timeoutMs = 10_000): Promise<T> {
  if (!child.connected) throw new Error(`${type} request: the child is gone`);
  const id = nextId++;
  const answer = nextMessage(
    child,
    (m) => {
      const a = m as { type?: string; id?: number; value?: unknown };
      return a.type === 'answer' && a.id === id ? { value: a.value as T } : undefined;
    },
    timeoutMs,
    `${type} request`,
  );
  child.send({ type, id });
  return (await answer).value;
}
