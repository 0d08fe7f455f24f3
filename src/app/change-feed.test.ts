// The change feed on the feature stores over a real EndpointService (offline mode): light
// traffic never asks the worker to wait; from the moment a bulk send is handed over the page is
// busy and every render is bracketed by drawing()/drawn(), so the worker leaves the CPU to the
// frame (README "The page draws first").
import { describe, expect, it } from 'vitest';
import { connected, realPlayground, wait } from './playground-test-support.ts';
import { BUSY_RATE, ChangeFeed } from './change-feed.ts';

describe('ChangeFeed', () => {
  const bracket = () => {
    const calls: string[] = [];
    return { calls, worker: { drawing: async () => void calls.push('drawing'), drawn: async () => void calls.push('drawn') } };
  };

  it('tells its listeners once a frame however many changes came, and counts every change', async () => {
    const { calls, worker } = bracket();
    const feed = new ChangeFeed(worker);
    let heard = 0;
    const off = feed.subscribe(() => void heard++);
    for (let i = 0; i < 50; i++) feed.changed();
    expect(feed.version).toBe(50);
    await wait(60);
    expect(heard).toBe(1);
    off();
    feed.changed();
    await wait(60);
    expect(heard).toBe(1);
    expect(calls).toEqual([]); // a calm trace never makes the worker wait
  });

  it('while the trace streams, tells at most every 250 ms, each time bracketed by drawing()/drawn()', async () => {
    const { calls, worker } = bracket();
    const feed = new ChangeFeed(worker);
    feed.pacedBy({ traceRate: BUSY_RATE + 1, yieldsCpu: true });
    const at: number[] = [];
    feed.subscribe(() => void at.push(performance.now()));
    const t0 = performance.now();
    while (performance.now() - t0 < 700) {
      feed.changed();
      await wait(10);
    }
    await wait(300);
    expect(at.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(240);
    expect(calls.filter((c) => c === 'drawing')).toHaveLength(at.length);
    expect(calls.filter((c) => c === 'drawn')).toHaveLength(at.length);
  });
});

describe('ChangeFeed and drawing()', () => {
  it('does not make the worker wait for the frames of a handshake', async () => {
    const { pg, drawing, service } = realPlayground();
    pg.feed.subscribe(() => {});
    await connected(pg);
    await wait(100);
    expect(pg.intake.busy).toBe(false);
    expect(drawing).not.toHaveBeenCalled();
    service.dispose();
  });

  it('is busy from the moment it hands over a bulk send, and brackets each render with drawing()/drawn()', async () => {
    const { pg, drawing, drawn, service } = realPlayground();
    let renders = 0;
    pg.feed.subscribe(() => void renders++);
    const conn = await connected(pg);
    const sent = pg.socketViews.sendFile(0, conn, 2 * 1024 * 1024);
    await sent;
    expect(pg.intake.busy).toBe(true);
    await wait(600);
    expect(renders).toBeGreaterThan(0);
    expect(drawing).toHaveBeenCalledWith(50);
    expect(drawn.mock.calls.length).toBeGreaterThan(0);
    // Every wait the feed asked for, it ended (or the worker ended it after 50 ms).
    expect(drawn.mock.calls.length).toBeGreaterThanOrEqual(drawing.mock.calls.length - 1);
    service.dispose();
  });

});
