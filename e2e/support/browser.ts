// A Chromium, headless, for the UI tests and benchmarks: the one find-browser.ts finds (the
// CHROMIUM variable, Playwright's own build, or the system's). Never downloads a browser.
import { chromium, type Browser, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './build-app.ts';
import { browserPath } from './find-browser.ts';

/** The Chromium to drive; throws the one-line "none found, install one like this" message. */
export function chromiumPath(): string {
  return browserPath('chromium');
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      // Several pages share the browser: none may be throttled as a background tab.
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
    ],
  });
}

export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results', 'screenshots');

/** Save a PNG of the page under test-results/screenshots/ (git-ignored) and return its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Fail fast on page errors: collect them so a test can assert there were none. */
export function collectPageErrors(page: Page, label: string): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`[${label}] ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`[${label}] console: ${m.text()}`);
  });
  return errors;
}
