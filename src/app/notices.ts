// The notices the user sees, as a store: errors from the worker and the core in their own words,
// relay notices, confirmations. Info notices expire by themselves (NoticeList); every refused
// worker call becomes one here (call()).
import type { ApiResult } from '../../workers/api.ts';
import { NoticeList } from './notice-list.ts';
import type { Notice, NoticeLevel } from './notice-list.ts';
import type { ChangeFeed } from './change-feed.ts';

const EXPIRE_CHECK_MS = 1_000;

export class NoticeCenter {
  private readonly list = new NoticeList();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly feed: ChangeFeed) {}

  get all(): readonly Notice[] {
    return this.list.all;
  }

  notify(level: NoticeLevel, text: string): void {
    this.list.add(level, text, Date.now());
    if (level === 'info' && this.timer === null) this.timer = setTimeout(() => this.expire(), EXPIRE_CHECK_MS);
    this.feed.changed();
  }

  dismiss(id: number): void {
    this.list.dismiss(id);
    this.feed.changed();
  }

  /** Run a worker call; a refusal becomes a notice in the core's or the worker's own words. */
  async call<T>(label: string, p: Promise<ApiResult<T>>, quiet = false): Promise<T | undefined> {
    try {
      const r = await p;
      if (r.ok) return r.value;
      if (!quiet) this.notify('error', `${label}: ${r.error.message} (${r.error.code})`);
      return undefined;
    } catch (e) {
      this.notify('error', `${label} failed inside the TCP worker: ${(e as Error).message}`);
      return undefined;
    }
  }

  /** For calls whose value is nothing: did it succeed? */
  async succeeded(label: string, p: Promise<ApiResult<unknown>>, quiet = false): Promise<boolean> {
    let ok = false;
    await this.call(label, p.then((r) => ((ok = r.ok), r)), quiet);
    return ok;
  }

  dispose(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private expire(): void {
    this.timer = null;
    if (this.list.expire(Date.now())) this.feed.changed();
    if (this.list.all.some((n) => n.level === 'info')) this.timer = setTimeout(() => this.expire(), EXPIRE_CHECK_MS);
  }
}
