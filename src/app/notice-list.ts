// Messages for the user: errors from the worker and the core (in their own words), relay notices
// ("host unreachable"), and confirmations. The same message repeated within a few seconds is
// counted instead of stacked, so a flood of "unreachable" notices stays one line.

export type NoticeLevel = 'error' | 'warning' | 'info';

export interface Notice {
  id: number;
  level: NoticeLevel;
  text: string;
  /** How many times it was said. */
  count: number;
  /** Wall-clock ms of the latest time. */
  at: number;
}

const MERGE_WITHIN_MS = 10_000;
const KEEP = 30;
/** Info notices go away by themselves; errors and warnings stay until dismissed. */
export const INFO_LIFETIME_MS = 6_000;

export class NoticeList {
  private list: Notice[] = [];
  private nextId = 1;

  get all(): readonly Notice[] {
    return this.list;
  }

  add(level: NoticeLevel, text: string, now = Date.now()): Notice {
    const last = this.list.find((n) => n.text === text && n.level === level && now - n.at < MERGE_WITHIN_MS);
    if (last) {
      const merged = { ...last, count: last.count + 1, at: now };
      this.list = this.list.map((n) => (n === last ? merged : n));
      return merged;
    }
    const n: Notice = { id: this.nextId++, level, text, count: 1, at: now };
    this.list = [...this.list, n].slice(-KEEP);
    return n;
  }

  dismiss(id: number): void {
    this.list = this.list.filter((n) => n.id !== id);
  }

  /** Drop info notices older than their lifetime; true when something went. */
  expire(now = Date.now()): boolean {
    const before = this.list.length;
    this.list = this.list.filter((n) => n.level !== 'info' || now - n.at < INFO_LIFETIME_MS);
    return this.list.length !== before;
  }

  clear(): void {
    this.list = [];
  }
}
