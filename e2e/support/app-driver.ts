// What a browser test does to a page, in one shape for every driver: Playwright's page in
// Chromium, puppeteer-core's over WebDriver BiDi in Firefox (puppeteer-driver.ts). The app's
// helpers (app-page.ts) and the journeys both browsers run (e2e/journeys.ts) are written
// against it, so a journey is the same code in each browser.
//
// Selectors are CSS with descendant combinators that pierce open shadow roots, as Playwright's
// locators do: `pg-socket-panel section[aria-label=listen] input` finds the input inside the
// panel's shadow root. `hasText` keeps the elements whose text contains the string (whitespace
// collapsed, any case) or matches the RegExp; `nth` picks one of them (default the first).
import type { Page } from '@playwright/test';

export type TextMatch = string | RegExp;

export interface Target {
  hasText?: TextMatch;
  nth?: number;
}

export interface Download {
  name: string;
  bytes: Uint8Array;
}

export interface AppDriver {
  readonly browserName: 'chromium' | 'firefox';
  goto(url: string): Promise<void>;
  reload(): Promise<void>;
  /** Wait until the target exists (default 10 s). */
  waitFor(selector: string, options?: Target & { timeout?: number }): Promise<void>;
  /** A real click (the mouse at the element's centre), once the target exists. */
  click(selector: string, options?: Target): Promise<void>;
  /** Replace the input's value as a user would: focus, select all, type. */
  fill(selector: string, value: string, options?: Target): Promise<void>;
  press(key: string): Promise<void>;
  /** The first match's textContent, or null when nothing matches (no waiting). */
  text(selector: string): Promise<string | null>;
  /** The first match's attribute, or null (no waiting). */
  attr(selector: string, name: string): Promise<string | null>;
  count(selector: string): Promise<number>;
  /** Run `fn` in the page on every match, in document order (shadow trees included). */
  evalAll<R, A>(selector: string, fn: (els: Element[], arg: A) => R, arg: A): Promise<R>;
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  screenshot(path: string): Promise<void>;
  /** Run `trigger` (a click that makes the app save a file) and return the file the browser saved. */
  download(trigger: () => Promise<void>): Promise<Download>;
  close(): Promise<void>;
}

export function isDriver(p: Page | AppDriver): p is AppDriver {
  return typeof (p as AppDriver).evalAll === 'function';
}

const wrapped = new WeakMap<Page, AppDriver>();

/** The driver for a Playwright page (one per page), so helpers take either. */
export function asDriver(p: Page | AppDriver): AppDriver {
  if (isDriver(p)) return p;
  let d = wrapped.get(p);
  if (d === undefined) wrapped.set(p, (d = playwrightDriver(p)));
  return d;
}

function playwrightDriver(page: Page): AppDriver {
  const at = (selector: string, o: Target = {}) => {
    const l = page.locator(selector);
    return (o.hasText === undefined ? l : l.filter({ hasText: o.hasText })).nth(o.nth ?? 0);
  };
  return {
    browserName: 'chromium',
    goto: async (url) => void (await page.goto(url)),
    reload: async () => void (await page.reload()),
    waitFor: (selector, o = {}) => at(selector, o).waitFor({ timeout: o.timeout ?? 10_000 }),
    click: (selector, o) => at(selector, o).click(),
    fill: (selector, value, o) => at(selector, o).fill(value),
    press: (key) => page.keyboard.press(key),
    text: (selector) => page.locator(selector).evaluateAll((els) => els[0]?.textContent ?? null),
    attr: (selector, name) => page.locator(selector).evaluateAll((els, name) => els[0]?.getAttribute(name) ?? null, name),
    count: (selector) => page.locator(selector).count(),
    // Playwright's types unbox the argument; ours are plain data, so it is the same type.
    evalAll: <R, A>(selector: string, fn: (els: Element[], arg: A) => R, arg: A) => page.locator(selector).evaluateAll(fn as never, arg as never) as Promise<R>,
    evaluate: <R, A>(fn: (arg: A) => R | Promise<R>, arg: A) => page.evaluate(fn as never, arg as never) as Promise<R>,
    screenshot: async (path) => void (await page.screenshot({ path })),
    download: async (trigger) => {
      const [d] = await Promise.all([page.waitForEvent('download'), trigger()]);
      const path = await d.path();
      const { readFileSync } = await import('node:fs');
      return { name: d.suggestedFilename(), bytes: new Uint8Array(readFileSync(path)) };
    },
    close: () => page.close(),
  };
}
