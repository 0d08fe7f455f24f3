// Driving the real app in a Playwright page the way a student does: through its forms and
// buttons. Playwright's CSS locators pierce open shadow roots, so selectors name the app's
// elements directly (`pg-socket-panel …`, `tcp-state-diagram …`).
import type { Browser, Page } from '@playwright/test';
import { collectPageErrors } from './browser.ts';

export interface AppPage {
  page: Page;
  errors: string[];
  dialogs: string[];
}

export async function openApp(browser: Browser, baseUrl: string, label: string, query = ''): Promise<AppPage> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const errors = collectPageErrors(page, label);
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(baseUrl + query);
  await page.locator('pg-join-screen #room').waitFor();
  return { page, errors, dialogs };
}

/** Join through the form; resolves with this host's address once the relay welcomed it. */
export async function joinRoom(page: Page, room: string, name: string): Promise<string> {
  await page.locator('pg-join-screen #room').fill(room);
  await page.locator('pg-join-screen #name').fill(name);
  await page.locator('pg-join-screen button[type=submit]').click();
  const me = page.locator('pg-app-header .me');
  await me.filter({ hasText: /10\.0\.\d+\.\d+/ }).waitFor({ timeout: 10_000 });
  return (await me.textContent())!.match(/10\.0\.\d+\.\d+/)![0];
}

export async function listenOn(page: Page, port: number): Promise<void> {
  await page.locator('pg-socket-panel section[aria-label=listen] input').fill(String(port));
  await page.locator('pg-socket-panel section[aria-label=listen] button[type=submit]').click();
  await page.locator('pg-socket-panel .port', { hasText: `LISTEN ${port}` }).waitFor();
}

export async function connectTo(page: Page, addr: string, port: number, localPort?: number): Promise<void> {
  const form = page.locator('pg-socket-panel section[aria-label=connect]');
  await form.locator('.addr-input').fill(addr);
  const ports = form.locator('.port-input');
  await ports.nth(0).fill(String(port));
  await ports.nth(1).fill(localPort === undefined ? '' : String(localPort));
  await form.locator('button[type=submit]').click();
}

/** The state the diagram highlights as current. */
export function currentState(page: Page): Promise<string | null> {
  return page.locator('tcp-state-diagram g.state.current').first().getAttribute('data-state', { timeout: 2_000 }).catch(() => null);
}

/** Each visited state with its step numbers, in step order: "CLOSED:1", "SYN-SENT:2", … */
export async function numberedPath(page: Page): Promise<string[]> {
  const visits = await page.locator('tcp-state-diagram g.state.visited').evaluateAll((els) =>
    els.flatMap((e) => [...e.querySelectorAll('.badge text')].map((t) => ({ state: e.getAttribute('data-state') ?? '?', step: Number(t.textContent) }))),
  );
  return visits.sort((a, b) => a.step - b.step).map((v) => `${v.state}:${v.step}`);
}

export interface LogRow {
  key: string;
  cells: string[];
  classes: string;
}

/** The rows the packet log has in the DOM (it is virtualised: the visible ones). */
export function logRows(page: Page): Promise<LogRow[]> {
  return page.locator('tcp-packet-log .row').evaluateAll((els) =>
    els.map((e) => ({
      key: e.getAttribute('data-key') ?? '',
      classes: e.className,
      cells: [...e.querySelectorAll('span')].map((s) => (s.textContent ?? '').replace(/\s+/g, ' ').trim()),
    })),
  );
}

/** The "N segments" count of the packet log. */
export async function logCount(page: Page): Promise<number> {
  const text = (await page.locator('tcp-packet-log .count').textContent()) ?? '';
  return Number(text.match(/(\d+) segments/)?.[1] ?? NaN);
}

export interface LadderArrow {
  key: string;
  label: string;
  classes: string;
}

export function ladderArrows(page: Page): Promise<LadderArrow[]> {
  return page.locator('tcp-ladder g.arrow').evaluateAll((els) =>
    els.map((e) => ({ key: e.getAttribute('data-key') ?? '', label: e.getAttribute('aria-label') ?? '', classes: e.getAttribute('class') ?? '' })),
  );
}

/** Elements of a tag anywhere in the page, shadow roots included. */
export function countDeep(page: Page, tag: string): Promise<number> {
  return page.evaluate((tag) => {
    let n = 0;
    const walk = (root: Document | ShadowRoot) => {
      n += root.querySelectorAll(tag).length;
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot);
    };
    walk(document);
    return n;
  }, tag);
}

/** Open a collapsed sidebar section ("Faults", "Hold queue", "Time"). */
export async function openSection(page: Page, title: string): Promise<void> {
  const details = page.locator('pg-control-sidebar details', { has: page.locator('summary', { hasText: title }) });
  if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
}
