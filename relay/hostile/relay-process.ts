// The parent's side of the relay under attack: fork relay-child.ts, follow its RSS from
// /proc/<pid>/status (VmRSS) ten times a second, keep the peak per measuring window, and kill it
// if it ever grows past a hard ceiling, so a relay that does grow without bound (the bug the suite
// looks for) cannot take the shared machine down with it.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { RelayOptions } from '../options.ts';
import type { RelayStats } from '../stats.ts';
import { ask, forkEntry, nextMessage } from './child-process.ts';
import type { FromRelayChild, LoopDelay } from './relay-child.ts';

export const MiB = 1024 * 1024;
/** Far above any bound a test states; past it the relay is killed and the attack called off. */
export const RSS_CEILING = 1536 * MiB;
const SAMPLE_MS = 100;

/** Resident set size of a process in bytes, from Linux's /proc; null when it is gone. */
export function readRss(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Options the relay-child accepts: plain JSON (no log function, no hooks). Options this relay
 *  does not know yet are allowed (relay-child drops them and says which). */
export type ChildRelayOptions = Omit<RelayOptions, 'log' | 'onRoomCreated'> & { readonly [later: string]: unknown };

export class RelayProcess {
  /** Highest RSS seen since the last resetPeak(). */
  peakRss = 0;
  lastRss = 0;
  /** Set when the ceiling watchdog killed the relay. */
  killedAt: number | null = null;
  private exited = false;
  private readonly sampler: NodeJS.Timeout;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly ignoredOptions: string[],
  ) {
    child.once('exit', () => (this.exited = true));
    this.sampler = setInterval(() => this.sample(), SAMPLE_MS);
    this.sample();
  }

  static async start(options: ChildRelayOptions = {}): Promise<RelayProcess> {
    const child = forkEntry('relay-child.ts', [JSON.stringify(options)]);
    const first = await nextMessage(child, (m) => m as FromRelayChild, 20_000, 'relay start');
    if (first.type !== 'ready') {
      child.kill('SIGKILL');
      throw new Error(`the relay did not start: ${first.type === 'failed' ? first.message : JSON.stringify(first)}`);
    }
    return new RelayProcess(child, first.port, first.ignoredOptions);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsBase(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  get alive(): boolean {
    return !this.exited;
  }

  resetPeak(): void {
    this.sample();
    this.peakRss = this.lastRss;
  }

  sample(): void {
    const rss = readRss(this.pid);
    if (rss === null) return;
    this.lastRss = rss;
    if (rss > this.peakRss) this.peakRss = rss;
    if (rss > RSS_CEILING && this.killedAt === null) {
      this.killedAt = Date.now();
      this.child.kill('SIGKILL');
    }
  }

  /** The relay's own figures (relay.stats(), the full detail whatever /stats serves). */
  stats(): Promise<RelayStats> {
    return ask<RelayStats>(this.child, 'stats');
  }

  /** The relay's event-loop delay since the previous call. */
  loopDelay(): Promise<LoopDelay> {
    return ask<LoopDelay>(this.child, 'loop');
  }

  /** GET /healthz answers 200 within `timeoutMs`. */
  async healthy(timeoutMs = 3000): Promise<boolean> {
    if (this.exited) return false;
    try {
      const r = await fetch(`${this.httpUrl}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
      await r.arrayBuffer();
      return r.status === 200;
    } catch {
      return false;
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.sampler);
    if (this.exited) return;
    try {
      await ask(this.child, 'close', 5000);
    } catch {
      // killed below either way
    }
    this.child.kill('SIGKILL');
  }
}
