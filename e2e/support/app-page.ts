// Driving the real app the way a student does: through its forms and buttons. Each helper takes a
// Playwright page (Chromium) or any AppDriver (app-driver.ts: Firefox through puppeteer-core), so
// the same steps run in either browser. Selectors pierce open shadow roots, so they name the
// app's elements directly (`pg-socket-panel …`, `tcp-state-diagram …`).
import type { Browser, Page } from '@playwright/test';
import { collectPageErrors } from './browser.ts';
import { asDriver, type AppDriver } from './app-driver.ts';

/** A Playwright page or any other driver's. */
export type AnyPage = Page | AppDriver;

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

/** A tab of a browser driven through an AppDriver, with what went wrong in it. */
export interface AppTab {
  d: AppDriver;
  errors: string[];
  dialogs: string[];
}

/** The app in a new tab of `browser` (e.g. launchFirefox()'s), at its join screen. */
export async function openTab(browser: { newTab(label: string): Promise<AppTab> }, baseUrl: string, label: string, query = ''): Promise<AppTab> {
  const tab = await browser.newTab(label);
  await tab.d.goto(baseUrl + query);
  await tab.d.waitFor('pg-join-screen #room');
  return tab;
}

/** Join through the form; resolves with this host's address once the relay welcomed it. */
export async function joinRoom(p: AnyPage, room: string, name: string): Promise<string> {
  const d = asDriver(p);
  await d.fill('pg-join-screen #room', room);
  await d.fill('pg-join-screen #name', name);
  await d.click('pg-join-screen button[type=submit]');
  await d.waitFor('pg-app-header .me', { hasText: /10\.0\.\d+\.\d+/, timeout: 10_000 });
  return (await d.text('pg-app-header .me'))!.match(/10\.0\.\d+\.\d+/)![0];
}

export async function listenOn(p: AnyPage, port: number): Promise<void> {
  const d = asDriver(p);
  await d.fill('pg-socket-panel section[aria-label=listen] input', String(port));
  await d.click('pg-socket-panel section[aria-label=listen] button[type=submit]');
  await d.waitFor('pg-socket-panel .port', { hasText: `LISTEN ${port}` });
}

export async function connectTo(p: AnyPage, addr: string, port: number, localPort?: number): Promise<void> {
  const d = asDriver(p);
  const form = 'pg-socket-panel section[aria-label=connect]';
  await d.fill(`${form} .addr-input`, addr);
  await d.fill(`${form} .port-input`, String(port), { nth: 0 });
  await d.fill(`${form} .port-input`, localPort === undefined ? '' : String(localPort), { nth: 1 });
  await d.click(`${form} button[type=submit]`);
}

/** The state the diagram highlights as current. */
export function currentState(p: AnyPage): Promise<string | null> {
  return asDriver(p).attr('tcp-state-diagram g.state.current', 'data-state');
}

/** Each visited state with its step numbers, in step order: "CLOSED:1", "SYN-SENT:2", … */
export async function numberedPath(p: AnyPage): Promise<string[]> {
  const visits = await asDriver(p).evalAll(
    'tcp-state-diagram g.state.visited',
    (els) => els.flatMap((e) => [...e.querySelectorAll('.badge text')].map((t) => ({ state: e.getAttribute('data-state') ?? '?', step: Number(t.textContent) }))),
    null,
  );
  return visits.sort((a, b) => a.step - b.step).map((v) => `${v.state}:${v.step}`);
}

export interface LogRow {
  key: string;
  cells: string[];
  classes: string;
}

/** The rows the packet log has in the DOM (it is virtualised: the visible ones). */
export function logRows(p: AnyPage): Promise<LogRow[]> {
  return asDriver(p).evalAll(
    'tcp-packet-log .row',
    (els) =>
      els.map((e) => ({
        key: e.getAttribute('data-key') ?? '',
        classes: e.className,
        cells: [...e.querySelectorAll('span')].map((s) => (s.textContent ?? '').replace(/\s+/g, ' ').trim()),
      })),
    null,
  );
}

/** The "N segments" count of the packet log. */
export async function logCount(p: AnyPage): Promise<number> {
  const text = (await asDriver(p).text('tcp-packet-log .count')) ?? '';
  return Number(text.match(/(\d+) segments/)?.[1] ?? NaN);
}

export interface LadderArrow {
  key: string;
  label: string;
  classes: string;
}

export function ladderArrows(p: AnyPage): Promise<LadderArrow[]> {
  return asDriver(p).evalAll(
    'tcp-ladder g.arrow',
    (els) => els.map((e) => ({ key: e.getAttribute('data-key') ?? '', label: e.getAttribute('aria-label') ?? '', classes: e.getAttribute('class') ?? '' })),
    null,
  );
}

/** Elements of a tag anywhere in the page, shadow roots included. */
export function countDeep(p: AnyPage, tag: string): Promise<number> {
  return asDriver(p).evaluate((tag) => {
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
export async function openSection(p: AnyPage, title: string): Promise<void> {
  const d = asDriver(p);
  await d.waitFor('pg-control-sidebar details summary', { hasText: title });
  const open = await d.evalAll(
    'pg-control-sidebar details',
    (els, title) => els.find((e) => (e.querySelector('summary')?.textContent ?? '').includes(title))?.hasAttribute('open') ?? false,
    title,
  );
  if (!open) await d.click('pg-control-sidebar details summary', { hasText: title });
}

/** Send text on the (only) connection card, as typed into its "send text" form. */
export async function sendText(p: AnyPage, text: string): Promise<void> {
  const d = asDriver(p);
  await d.fill('pg-connection-card form[aria-label="send text"] input', text);
  await d.click('pg-connection-card form[aria-label="send text"] button');
}

/** Bytes the connection card says arrived. */
export async function receivedBytes(p: AnyPage): Promise<number> {
  return Number((await asDriver(p).attr('pg-connection-card .received [data-bytes]', 'data-bytes')) ?? NaN);
}

/** The CRC-32s the connection card shows: of what was sent, then of what arrived (each if any). */
export function cardCrcs(p: AnyPage): Promise<string[]> {
  return asDriver(p).evalAll('pg-connection-card .io .mono', (els) => els.map((e) => e.textContent ?? ''), null);
}
