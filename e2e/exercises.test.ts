// The workshop in Debian's Chromium against a real relay with its bots: every built-in exercise is
// done on real stacks (its Set up button clicked, its steps done through the worker API) and the
// test reads each checklist item's tick from <tcp-exercise-panel>'s shadow DOM. Partner exercises
// use two pages in one room, bot exercises one page and the room's bot, offline ones one page in
// offline mode. Each exercise gets its own browser context (fresh IndexedDB) and room.
//
// Offline exercises speed their waits up with setTimeFactor (stack time, so TIME-WAIT's 2 MSL
// passes in a second); moments that need two hosts' segments to cross run at factor 1.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import type { Relay } from '../relay/relay.ts';
import { collectPageErrors, launchChromium } from './support/browser.ts';
import { startUiRelay } from './support/relay.ts';
import { buildWorkshopHarness } from './workshop-support/build.ts';
import type {} from './workshop-support/harness.ts';

let dir = '';
let relay: Relay;
let browser: Browser;
const contexts: BrowserContext[] = [];
let roomCounter = 0;

beforeAll(async () => {
  dir = await buildWorkshopHarness();
  relay = await startUiRelay(dir);
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await relay?.close();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

interface Tab {
  page: Page;
  errors: string[];
}

/** A fresh page in a fresh context (its own IndexedDB), or in `context` to share one. */
async function open(label: string, query = '', context?: BrowserContext): Promise<Tab> {
  let ctx = context;
  if (ctx === undefined) {
    ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(ctx);
  }
  const page = await ctx.newPage();
  const errors = collectPageErrors(page, label);
  await page.goto(`${relay.url}index.html${query}`);
  await page.waitForFunction(() => window.workshop !== undefined);
  return { page, errors };
}

function newRoom(): string {
  return `ex${++roomCounter}-${Date.now().toString(36)}`;
}

/** Join the relay room; resolves with this host's address and hostname. */
async function join(page: Page, room: string, name: string): Promise<{ address: string; hostname: string }> {
  return page.evaluate(
    async ({ room, name }) => {
      const w = window.workshop;
      await w.must(w.api.join({ url: location.origin + '/', room, name }));
      const s = await w.waitJoined();
      return s.status === 'joined' ? { address: s.address, hostname: s.hostname } : { address: '', hostname: '' };
    },
    { room, name },
  );
}

/** Open the exercise in the list and press its Set up button; waits for the setup's report. */
async function setUp(page: Page, id: string, side: 'you' | 'peer' = 'you'): Promise<void> {
  await page.locator(`tcp-exercise-list li[data-id="${id}"] button`).click();
  await page.locator('tcp-exercise-panel h2').waitFor();
  if (side === 'peer') await page.locator('tcp-workshop select').selectOption('peer');
  await clickAndReport(page, page.locator('tcp-exercise-panel button.setup'));
}

/** Press step `step`'s Arm button; waits for its report. */
async function arm(page: Page, step: number): Promise<void> {
  await clickAndReport(page, page.locator(`tcp-exercise-panel li[data-step="${step}"] button.arm`));
}

async function clickAndReport(page: Page, button: ReturnType<Page['locator']>): Promise<void> {
  const before = await page.evaluate(() => window.workshop.reports.length);
  await button.click();
  await page.waitForFunction((n) => window.workshop.reports.length > n, before, { timeout: 10_000 });
  const report = await page.evaluate(() => window.workshop.reports.at(-1)!);
  expect(report.ok, report.summary).toBe(true);
}

interface Item {
  id: string;
  done: boolean;
}

/** The checklist as the panel renders it: each item's id and whether it carries data-done. */
function checklist(page: Page): Promise<Item[]> {
  return page
    .locator('tcp-exercise-panel .checks li')
    .evaluateAll((els) => els.map((e) => ({ id: e.getAttribute('data-id') ?? '', done: e.hasAttribute('data-done') })));
}

/** Wait until every item (or the given ones) is ticked; fails naming the ones still open. */
async function allTicked(page: Page, timeoutMs = 20_000, only?: string[]): Promise<void> {
  const open = async () => (await checklist(page)).filter((i) => !i.done && (only === undefined || only.includes(i.id))).map((i) => i.id);
  await expect.poll(open, { timeout: timeoutMs, interval: 100 }).toEqual([]);
  expect((await checklist(page)).length).toBeGreaterThan(0);
}

async function ticked(page: Page): Promise<Record<string, boolean>> {
  return Object.fromEntries((await checklist(page)).map((i) => [i.id, i.done]));
}

const ECHO = '10.0.0.7';
const DISCARD = '10.0.0.9';
const CHARGEN = '10.0.0.19';
const HOST1 = '10.0.0.1';
const HOST2 = '10.0.0.2';

/** Offline: host 0 connects to host 1's port 80 and host 1 accepts; the two ends' ids. */
async function connectOffline(page: Page): Promise<{ c: number; s: number }> {
  return page.evaluate(
    async ({ HOST2 }) => {
      const w = window.workshop;
      await w.must(w.api.listen(80, undefined, 1));
      const c = await w.must(w.api.connect({ remoteAddr: HOST2, remotePort: 80 }, 0));
      const s = await w.acceptOne(80, 1);
      return { c, s };
    },
    { HOST2 },
  );
}

/**
 * The close one end after the other (host 0 first, host 1 200 ms later), then `settleMs` for the
 * last segments, then the clock at 10x so TIME-WAIT's 10 s take about 1 s.
 */
async function closeInTurn(page: Page, conn: { c: number; s: number }, settleMs: number): Promise<void> {
  await page.evaluate(
    async ({ c, s, settleMs }) => {
      const w = window.workshop;
      await w.must(w.api.close(c, 0));
      await w.sleep(200);
      await w.must(w.api.close(s, 1));
      await w.sleep(settleMs);
      await w.must(w.api.setTimeFactor(10));
    },
    { ...conn, settleMs },
  );
}

/** Connect to the room's discard bot and hand it `bytes` bytes of `fill` (a bulk send nobody answers). */
async function sendToDiscard(page: Page, bytes: number, fill: number): Promise<number> {
  return page.evaluate(
    async ({ DISCARD, bytes, fill }) => {
      const w = window.workshop;
      const c = await w.must(w.api.connect({ remoteAddr: DISCARD, remotePort: 9 }));
      await w.sleep(200);
      await w.must(w.api.writeAll(c, new Uint8Array(bytes).fill(fill)));
      return c;
    },
    { DISCARD, bytes, fill },
  );
}

// ---------------------------------------------------------------------------------------------
// Offline exercises: one page, two hosts
// ---------------------------------------------------------------------------------------------

describe('offline exercises', () => {
  it('3. four-way close', async () => {
    const { page, errors } = await open('fwc');
    await setUp(page, 'four-way-close');
    await closeInTurn(page, await connectOffline(page), 200);
    await allTicked(page);
    expect(errors).toEqual([]);
  });

  it('5. TIME-WAIT answers a retransmitted FIN', async () => {
    const { page, errors } = await open('tw');
    await setUp(page, 'time-wait');
    const conn = await connectOffline(page);
    await arm(page, 1); // host 1 loses its next pure ACK: the last of the close
    await closeInTurn(page, conn, 100);
    await allTicked(page);
    expect(errors).toEqual([]);
  });

  it('7. lost SYN: retransmitted with backoff, then given up', async () => {
    const { page, errors } = await open('ls');
    await setUp(page, 'lost-syn');
    await page.evaluate(
      async ({ HOST2 }) => {
        const w = window.workshop;
        await w.must(w.api.setTimeFactor(10));
        await w.must(w.api.listen(80, undefined, 1));
        await w.must(w.api.connect({ remoteAddr: HOST2, remotePort: 80 }, 0));
      },
      { HOST2 },
    );
    await allTicked(page, 20_000, ['syn-again', 'doubling', 'syn-ack-again', 'established']);
    await arm(page, 2); // every SYN lost from now on
    await page.evaluate(
      async ({ HOST2 }) => {
        const w = window.workshop;
        await w.must(w.api.connect({ remoteAddr: HOST2, remotePort: 80 }, 0));
      },
      { HOST2 },
    );
    await allTicked(page, 30_000);
    expect(errors).toEqual([]);
  });

  it('8. simultaneous open', async () => {
    const { page, errors } = await open('so');
    await setUp(page, 'simultaneous-open'); // hold on for both hosts
    await page.evaluate(
      async ({ HOST1, HOST2 }) => {
        const w = window.workshop;
        await w.must(w.api.connect({ remoteAddr: HOST2, remotePort: 6000, localPort: 5000 }, 0));
        await w.must(w.api.connect({ remoteAddr: HOST1, remotePort: 5000, localPort: 6000 }, 1));
        // Release all on both, back to back: the SYNs cross on the 10 ms link.
        await Promise.all([w.api.releaseAll(0), w.api.releaseAll(1)]);
        await w.sleep(100);
        await Promise.all([w.api.releaseAll(0), w.api.releaseAll(1)]);
        await w.sleep(100);
        await Promise.all([w.api.setHold(false, 0), w.api.setHold(false, 1)]);
      },
      { HOST1, HOST2 },
    );
    await allTicked(page);
    expect(errors).toEqual([]);
  });

  it('9. simultaneous close', async () => {
    const { page, errors } = await open('sc');
    await setUp(page, 'simultaneous-close');
    const conn = await connectOffline(page);
    await arm(page, 1); // hold on, both hosts
    await page.evaluate(async ({ c, s }) => {
      const w = window.workshop;
      await w.must(w.api.close(c, 0));
      await w.must(w.api.close(s, 1));
    }, conn);
    await arm(page, 3); // hold off: the FINs leave together and cross
    await page.evaluate(async () => {
      const w = window.workshop;
      await w.sleep(100);
      await w.must(w.api.setTimeFactor(10));
    });
    await allTicked(page);
    expect(errors).toEqual([]);
  });

  it('13. true or false', async () => {
    const { page, errors } = await open('tf');
    await setUp(page, 'true-or-false');
    const { c, s } = await connectOffline(page);
    await page.evaluate(
      async ({ c, s }) => {
        const w = window.workshop;
        await w.must(w.api.write(c, w.text('hello\n'), 0));
        await w.sleep(100);
        await w.must(w.api.close(c, 0));
        await w.sleep(100);
        await w.must(w.api.close(s, 1));
        await w.sleep(100);
      },
      { c, s },
    );
    await arm(page, 1); // hold on, both
    await page.evaluate(
      async ({ HOST1, HOST2 }) => {
        const w = window.workshop;
        await w.must(w.api.connect({ remoteAddr: HOST2, remotePort: 6000, localPort: 5000 }, 0));
        await w.must(w.api.connect({ remoteAddr: HOST1, remotePort: 5000, localPort: 6000 }, 1));
      },
      { HOST1, HOST2 },
    );
    await arm(page, 2); // hold off: the SYNs cross
    const ends = await page.evaluate(async () => {
      const w = window.workshop;
      await w.sleep(300);
      const find = async (host: number, port: number) => {
        const list = await w.must(w.api.connections(host));
        const c = list.find((x) => x.localPort === port && x.state === 'ESTABLISHED');
        if (c === undefined) throw new Error(`host ${host}: no ESTABLISHED connection on ${port}: ${JSON.stringify(list)}`);
        return c.id;
      };
      return { a: await find(0, 5000), b: await find(1, 6000) };
    });
    await arm(page, 3); // hold on, both
    await page.evaluate(async ({ a, b }) => {
      const w = window.workshop;
      await w.must(w.api.close(a, 0));
      await w.must(w.api.close(b, 1));
    }, ends);
    await arm(page, 4); // hold off: the FINs cross
    await allTicked(page);
    expect(errors).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Bot exercises: one page and a bot of the room
// ---------------------------------------------------------------------------------------------

describe('bot exercises', () => {
  it('1. handshake with the echo bot', async () => {
    const { page, errors } = await open('hs');
    await join(page, newRoom(), 'ana');
    await setUp(page, 'handshake');
    await page.evaluate(
      async ({ ECHO }) => {
        const w = window.workshop;
        const c = await w.must(w.api.connect({ remoteAddr: ECHO, remotePort: 7 }));
        await w.must(w.api.autoRead(c));
        await w.sleep(300);
        await w.must(w.api.write(c, w.text('hello\n')));
      },
      { ECHO },
    );
    await allTicked(page);
    expect(errors).toEqual([]);
  });

  it('6. connection refused', async () => {
    const { page, errors } = await open('cr');
    await join(page, newRoom(), 'ana');
    await setUp(page, 'connection-refused');
    await page.evaluate(
      async ({ ECHO }) => {
        const w = window.workshop;
        await w.must(w.api.connect({ remoteAddr: ECHO, remotePort: 8 }));
      },
      { ECHO },
    );
    await allTicked(page);
    expect(errors).toEqual([]);
  });

  it('10. zero window with the chargen bot', async () => {
    const { page, errors } = await open('zw');
    await join(page, newRoom(), 'ana');
    await setUp(page, 'zero-window');
    const c = await page.evaluate(
      async ({ CHARGEN }) => {
        const w = window.workshop;
        return w.must(w.api.connect({ remoteAddr: CHARGEN, remotePort: 19 })); // nobody reads
      },
      { CHARGEN },
    );
    await allTicked(page, 40_000, ['shrinking', 'probe', 'backoff']);
    await page.evaluate(async (c) => {
      const w = window.workshop;
      await w.must(w.api.autoRead(c, { collect: false })); // read again
    }, c);
    await allTicked(page, 20_000);
    await page.evaluate(async (c) => {
      await window.workshop.api.abort(c);
    }, c);
    expect(errors).toEqual([]);
  });

  it('11. fast retransmit with the discard bot', async () => {
    const { page, errors } = await open('fr');
    await join(page, newRoom(), 'ana');
    await setUp(page, 'fast-retransmit');
    await sendToDiscard(page, 1 << 20, 65);
    await allTicked(page, 30_000);
    expect(errors).toEqual([]);
  });

  it('12. congestion: slow start and the sawtooth', async () => {
    const { page, errors } = await open('cg');
    await join(page, newRoom(), 'ana');
    await setUp(page, 'congestion');
    await sendToDiscard(page, 4 << 20, 66);
    await allTicked(page, 60_000);
    expect(errors).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Partner exercises: two pages in one room
// ---------------------------------------------------------------------------------------------

describe('partner exercises', () => {
  it('2. cumulative ACK', async () => {
    const room = newRoom();
    const a = await open('ca-you');
    const b = await open('ca-peer');
    await join(a.page, room, 'ana');
    const peer = await join(b.page, room, 'bo');
    await setUp(a.page, 'cumulative-ack'); // delayed ACK on
    await setUp(b.page, 'cumulative-ack', 'peer'); // Nagle off on the partner
    await b.page.evaluate(() => window.workshop.must(window.workshop.api.listen(5000)));
    await a.page.evaluate(
      async ({ addr }) => {
        const w = window.workshop;
        const c = await w.must(w.api.connect({ remoteAddr: addr, remotePort: 5000 }));
        await w.must(w.api.autoRead(c));
      },
      { addr: peer.address },
    );
    const s = await b.page.evaluate(() => window.workshop.acceptOne(5000));
    await arm(b.page, 1); // partner: hold on
    await b.page.evaluate(async (s) => {
      const w = window.workshop;
      for (const m of ['Hello, B!', 'Ready? Go', 'Four writes, four segments. ', 'One ACK? :)']) await w.must(w.api.write(s, w.text(m)));
      await w.sleep(100);
      await w.must(w.api.releaseAll());
    }, s);
    await allTicked(a.page);
    expect([...a.errors, ...b.errors]).toEqual([]);
  });

  it('4. half close', async () => {
    const room = newRoom();
    const a = await open('hc-you');
    const b = await open('hc-peer');
    await join(a.page, room, 'ana');
    const peer = await join(b.page, room, 'bo');
    await setUp(a.page, 'half-close');
    await setUp(b.page, 'half-close', 'peer');
    await b.page.evaluate(() => window.workshop.must(window.workshop.api.listen(5000)));
    const c = await a.page.evaluate(
      async ({ addr }) => {
        const w = window.workshop;
        const c = await w.must(w.api.connect({ remoteAddr: addr, remotePort: 5000 }));
        await w.must(w.api.autoRead(c));
        return c;
      },
      { addr: peer.address },
    );
    const s = await b.page.evaluate(() => window.workshop.acceptOne(5000));
    await a.page.evaluate(async (c) => {
      const w = window.workshop;
      await w.sleep(100);
      await w.must(w.api.shutdown(c));
      await w.sleep(200);
    }, c);
    await b.page.evaluate(async (s) => {
      const w = window.workshop;
      await w.must(w.api.write(s, w.text('still here\n')));
      await w.sleep(100);
      await w.must(w.api.write(s, w.text('and here\n')));
      await w.sleep(100);
      await w.must(w.api.close(s));
    }, s);
    await allTicked(a.page);
    expect([...a.errors, ...b.errors]).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// What must not tick, the teacher's view, and a reload
// ---------------------------------------------------------------------------------------------

describe('the workshop around the exercises', () => {
  it('a normal close leaves simultaneous close\'s CLOSING items unticked', async () => {
    const { page, errors } = await open('neg');
    await setUp(page, 'simultaneous-close');
    await closeInTurn(page, await connectOffline(page), 0); // one after the other: no crossing, no CLOSING
    await page.evaluate(() => window.workshop.sleep(2000)); // TIME-WAIT over: everything that could tick has happened
    const items = await ticked(page);
    expect(items.crossed).toBe(false);
    expect(items.closing).toBe(false);
    expect(errors).toEqual([]);
  });

  it('a lossless transfer leaves fast retransmit\'s items unticked', async () => {
    const { page, errors } = await open('neg2');
    await join(page, newRoom(), 'ana');
    // The exercise open, but not set up: its rule that drops the first data segment is never armed.
    await page.locator('tcp-exercise-list li[data-id="fast-retransmit"] button').click();
    const c = await sendToDiscard(page, 1 << 20, 65);
    await page.evaluate(
      async (c) => {
        const w = window.workshop;
        for (let i = 0; i < 200; i++) {
          const p = await w.must(w.api.writeProgress(c));
          if (p.done) break;
          await w.sleep(50);
        }
        await w.sleep(1000);
      },
      c,
    );
    const items = await ticked(page);
    expect(items['dup-acks']).toBe(false);
    expect(items.fast).toBe(false);
    expect(errors).toEqual([]);
  });

  it('the teacher sees both students\' connections and progress; the students see the banner', async () => {
    const room = newRoom();
    const teacher = await open('teacher');
    await join(teacher.page, room, 'teach');
    const students = [await open('s1'), await open('s2')];
    const names = ['ana', 'bo'];
    const hostnames: string[] = [];
    for (const [i, s] of students.entries()) {
      hostnames.push((await join(s.page, room, names[i]!)).hostname);
      await setUp(s.page, 'handshake');
      await s.page.evaluate(
        async ({ ECHO }) => {
          const w = window.workshop;
          const c = await w.must(w.api.connect({ remoteAddr: ECHO, remotePort: 7 }));
          await w.must(w.api.autoRead(c));
        },
        { ECHO },
      );
    }
    await teacher.page.locator('tcp-teacher-view table').waitFor();
    for (const h of hostnames) {
      const row = teacher.page.locator(`tcp-teacher-view tr[data-host="${h}"]`);
      await expect.poll(() => row.locator('.conn .state').allTextContents(), { timeout: 10_000 }).toContain('ESTABLISHED');
      // SYN, SYN,ACK, ACK and ESTABLISHED have ticked (the data item needs a write): 4 of 5.
      await expect.poll(() => row.locator('[data-exercise="handshake"] .count').textContent(), { timeout: 10_000 }).toBe('4/5');
    }
    for (const s of students) {
      await expect.poll(() => s.page.locator('tcp-watched-banner p[role="status"]').textContent(), { timeout: 10_000 }).toContain('Your teacher can see');
    }
    expect(await teacher.page.locator('tcp-watched-banner p').count()).toBe(0);
    expect([...teacher.errors, ...students.flatMap((s) => s.errors)]).toEqual([]);
  });

  it('a ticked item stays ticked after a reload (IndexedDB)', async () => {
    const room = newRoom();
    const query = `?room=${room}&name=ana`;
    const { page, errors } = await open('reload', query);
    await join(page, room, 'ana');
    await setUp(page, 'connection-refused');
    await page.evaluate(
      async ({ ECHO }) => {
        const w = window.workshop;
        await w.must(w.api.connect({ remoteAddr: ECHO, remotePort: 8 }));
      },
      { ECHO },
    );
    await allTicked(page);
    await page.evaluate(() => window.workshop.el.workshop!.flush());
    await page.reload();
    await page.waitForFunction(() => window.workshop !== undefined);
    await expect.poll(() => page.locator('tcp-exercise-list li[data-id="connection-refused"] .progress').textContent(), { timeout: 5_000 }).toContain('4/4');
    await page.locator('tcp-exercise-list li[data-id="connection-refused"] button').click();
    await allTicked(page, 5_000);
    expect(errors).toEqual([]);
  });
});
