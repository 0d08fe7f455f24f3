// The AppDriver (app-driver.ts) for a puppeteer-core page, which is how the tests drive a stock
// Firefox over WebDriver BiDi. Elements are found in the page by a small query of our own with
// Playwright's meaning (each descendant step may cross into open shadow roots), as puppeteer's
// deep combinator missed light-DOM descendants inside a shadow tree (`card .io .mono`). Waiting
// is done here by polling; clicks and typing are real input actions, not scripted events.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ElementHandle, JSHandle, Page } from 'puppeteer-core';
import type { AppDriver, Download, Target } from './app-driver.ts';

/** Split a CSS selector at its top-level descendant combinators (spaces outside [], () and quotes). */
export function compounds(selector: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let depth = 0;
  let quote = '';
  for (const ch of selector.trim()) {
    if (quote !== '') {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[' || ch === '(') depth++;
    else if (ch === ']' || ch === ')') depth--;
    else if (/\s/.test(ch) && depth === 0) {
      if (cur !== '') parts.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (cur !== '') parts.push(cur);
  return parts;
}

/** A hasText filter as plain data, for the page. */
type TextSpec = null | { s: string } | { re: string; flags: string };

function textSpec(o: Target): TextSpec {
  if (o.hasText === undefined) return null;
  return typeof o.hasText === 'string' ? { s: o.hasText } : { re: o.hasText.source, flags: o.hasText.flags };
}

/**
 * Runs in the page: every element matching the compounds `parts` as descendants of each other
 * across shadow roots, in tree order (a shadow tree right after its host), kept by `text`.
 * Self-contained: it is sent to the page as source.
 */
function deepQuery(parts: string[], text: TextSpec): Element[] {
  const all: Element[] = [];
  const walk = (root: Document | ShadowRoot): void => {
    for (const el of root.querySelectorAll('*')) {
      all.push(el);
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document);
  const up = (el: Element): Element | null => el.parentElement ?? ((el.parentNode as ShadowRoot | null)?.host ?? null);
  const under = (el: Element, i: number): boolean => {
    for (let p = up(el); p !== null; p = up(p)) if (p.matches(parts[i]!) && (i === 0 || under(p, i - 1))) return true;
    return false;
  };
  const last = parts.length - 1;
  const norm = (t: string): string => t.replace(/\s+/g, ' ').trim();
  const keep = (el: Element): boolean => {
    if (text === null) return true;
    const t = norm(el.textContent ?? '');
    // Playwright's hasText: a string is found anywhere in the text, whitespace collapsed, any case.
    return 's' in text ? t.toLowerCase().includes(norm(text.s).toLowerCase()) : new RegExp(text.re, text.flags).test(t);
  };
  return all.filter((el) => el.matches(parts[last]!) && (last === 0 || under(el, last - 1)) && keep(el));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface PuppeteerDriverOptions {
  /** Where the browser saves downloads (its profile's download directory). */
  downloadDir: string;
}

export function puppeteerDriver(page: Page, options: PuppeteerDriverOptions): AppDriver {
  const matches = (selector: string, o: Target = {}): Promise<JSHandle<Element[]>> => page.evaluateHandle(deepQuery, compounds(selector), textSpec(o));

  /** Run `fn` on the matches, in the page. */
  async function onMatches<R, A>(selector: string, fn: (els: Element[], arg: A) => R, arg: A): Promise<R> {
    const h = await matches(selector);
    try {
      return (await h.evaluate(fn as never, arg as never)) as R;
    } finally {
      await h.dispose();
    }
  }

  /** The target once it exists, polling every 50 ms; throws naming it after `timeout`. */
  async function find(selector: string, o: Target = {}, timeout = 10_000): Promise<ElementHandle<Element>> {
    const until = Date.now() + timeout;
    for (;;) {
      const list = await matches(selector, o);
      const one = await list.evaluateHandle((els, n) => els[n] ?? null, o.nth ?? 0);
      await list.dispose();
      const el = one.asElement() as ElementHandle<Element> | null;
      if (el !== null) return el;
      await one.dispose();
      if (Date.now() > until) {
        const what = `${selector}${o.hasText !== undefined ? ` with text ${String(o.hasText)}` : ''}${o.nth ? ` #${o.nth}` : ''}`;
        throw new Error(`${what}: not found within ${timeout} ms`);
      }
      await sleep(50);
    }
  }

  return {
    browserName: 'firefox',
    goto: async (url) => void (await page.goto(url, { waitUntil: 'load' })),
    reload: async () => void (await page.reload({ waitUntil: 'load' })),
    waitFor: async (selector, o = {}) => void (await (await find(selector, o, o.timeout)).dispose()),
    click: async (selector, o) => {
      const h = await find(selector, o);
      await h.click();
      await h.dispose();
    },
    fill: async (selector, value, o) => {
      const h = await find(selector, o);
      await h.focus();
      await h.evaluate((e) => (e as HTMLInputElement).select());
      if (value === '') await page.keyboard.press('Backspace');
      else await page.keyboard.type(value);
      await h.dispose();
    },
    press: (key) => page.keyboard.press(key as Parameters<Page['keyboard']['press']>[0]),
    text: (selector) => onMatches(selector, (els) => els[0]?.textContent ?? null, null),
    attr: (selector, name) => onMatches(selector, (els, name) => els[0]?.getAttribute(name) ?? null, name),
    count: (selector) => onMatches(selector, (els) => els.length, null),
    evalAll: onMatches,
    // puppeteer's types unbox the argument; ours are plain data, so it is the same type.
    evaluate: <R, A>(fn: (arg: A) => R | Promise<R>, arg: A) => page.evaluate(fn as never, arg as never) as Promise<R>,
    screenshot: async (path) => void (await page.screenshot({ path: path as `${string}.png` })),
    download: async (trigger) => savedFile(options.downloadDir, trigger),
    close: () => page.close(),
  };
}

/** The file that appears in `dir` after `trigger`, once the browser finished writing it. */
async function savedFile(dir: string, trigger: () => Promise<void>, timeout = 15_000): Promise<Download> {
  const before = new Set(readdirSync(dir));
  await trigger();
  const until = Date.now() + timeout;
  let last = -1;
  for (;;) {
    const names = readdirSync(dir);
    // Firefox writes to NAME.part and renames it when done.
    const fresh = names.filter((n) => !before.has(n) && !n.endsWith('.part'));
    if (fresh.length === 1 && !names.some((n) => n.endsWith('.part'))) {
      const path = join(dir, fresh[0]!);
      const size = statSync(path).size;
      if (size === last) return { name: fresh[0]!, bytes: new Uint8Array(readFileSync(path)) };
      last = size;
    }
    if (Date.now() > until) throw new Error(`no download appeared in ${dir} within ${timeout} ms`);
    await sleep(100);
  }
}
