// Notices: a refused worker call becomes an error in the worker's own words; info notices go by
// themselves, errors stay until dismissed; every change reaches the page through the feed.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChangeFeed } from './change-feed.ts';
import { NoticeCenter } from './notices.ts';
import { INFO_LIFETIME_MS } from './notice-list.ts';

const bracket = { drawing: () => Promise.resolve(), drawn: () => Promise.resolve() };

afterEach(() => vi.useRealTimers());

describe('NoticeCenter', () => {
  it('turns a refusal into an error notice, a throw into one saying it failed inside the worker; quiet calls say nothing', async () => {
    const n = new NoticeCenter(new ChangeFeed(bracket));
    expect(await n.call('Listen on port 80', Promise.resolve({ ok: false as const, error: { code: 'EADDRINUSE', message: 'port 80 is taken' } }))).toBeUndefined();
    expect(n.all.at(-1)).toMatchObject({ level: 'error', text: 'Listen on port 80: port 80 is taken (EADDRINUSE)' });
    expect(await n.call('Read', Promise.reject(new Error('gone')))).toBeUndefined();
    expect(n.all.at(-1)!.text).toBe('Read failed inside the TCP worker: gone');
    await n.call('Quiet', Promise.resolve({ ok: false as const, error: { code: 'EBADF', message: 'x' } }), true);
    expect(n.all).toHaveLength(2);
    expect(await n.call('Ok', Promise.resolve({ ok: true as const, value: 5 }))).toBe(5);
    expect(await n.succeeded('Ok', Promise.resolve({ ok: true as const, value: undefined }))).toBe(true);
    expect(await n.succeeded('No', Promise.resolve({ ok: false as const, error: { code: 'EINVAL', message: 'no' } }), true)).toBe(false);
  });

  it('lets info notices expire and keeps errors until dismissed', () => {
    vi.useFakeTimers();
    const feed = new ChangeFeed(bracket);
    const n = new NoticeCenter(feed);
    n.notify('info', 'Listening on port 80.');
    n.notify('error', 'Something broke.');
    const v = feed.version;
    vi.advanceTimersByTime(INFO_LIFETIME_MS + 1_500);
    expect(n.all.map((x) => x.text)).toEqual(['Something broke.']);
    expect(feed.version).toBeGreaterThan(v);
    n.dismiss(n.all[0]!.id);
    expect(n.all).toEqual([]);
    n.dispose();
  });
});
