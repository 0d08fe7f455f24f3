// The change feed on the feature stores over a real EndpointService (offline mode): light
// traffic never asks the worker to wait; from the moment a bulk send is handed over the page is
// busy and every render is bracketed by drawing()/drawn(), so the worker leaves the CPU to the
// frame (README "The page draws first").
import { describe, expect, it } from 'vitest';
import { connected, realPlayground, wait } from './playground-test-support.ts';

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
