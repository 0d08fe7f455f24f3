// Starting the browsers the tests drive, headless, the ones find-browser.ts finds: a Chromium
// (the CHROMIUM variable, Playwright's own build, or the system's) driven by Playwright, and a
// stock Firefox (FIREFOX, or the system's firefox-esr/firefox) driven over WebDriver BiDi by
// puppeteer-core. Never downloads a browser.
import { chromium, type Browser, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser as PuppeteerBrowser } from 'puppeteer-core';
import { REPO_ROOT } from './build-app.ts';
import { browserPath } from './find-browser.ts';
import { asDriver, type AppDriver } from './app-driver.ts';

/** The Chromium to drive; throws the one-line "none found, install one like this" message. */
export function chromiumPath(): string {
  return browserPath('chromium');
}

/** Chromium's switches for every test and benchmark, whoever drives it (see bench/support/bare-chromium.ts). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--no-default-browser-check',
  // Nothing leaves the machine: with no name resolving, Chromium's own services (accounts,
  // autofill, updates) make no DNS query; the relay is reached by its loopback address.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
  // Several pages share the browser: none may be throttled as a background tab.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: [...CHROMIUM_ARGS] });
}

/** Chromium as a TestBrowser: each tab a Playwright page behind an AppDriver. */
export async function launchChromiumTabs(): Promise<TestBrowser> {
  const browser = await launchChromium();
  return {
    version: `chromium/${browser.version()}`,
    async newTab(label) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 }, acceptDownloads: true });
      const errors = collectPageErrors(page, label);
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      return { d: asDriver(page), errors, dialogs };
    },
    close: () => browser.close(),
  };
}

/**
 * Preferences for a test profile, beyond puppeteer's own (which already turn off updates, safe
 * browsing, health reports and the like): nothing may leave the machine, and a page that is not
 * the selected tab must not be slowed, as several tabs of one browser talk to each other.
 */
function firefoxPrefs(downloadDir: string): Record<string, unknown> {
  return {
    // Every request that is not for loopback goes to a proxy on a closed loopback port, so it fails
    // at once without a DNS lookup; loopback (the relay) is never proxied.
    'network.proxy.type': 1,
    'network.proxy.http': '127.0.0.1',
    'network.proxy.http_port': 9,
    'network.proxy.ssl': '127.0.0.1',
    'network.proxy.ssl_port': 9,
    'network.proxy.no_proxies_on': '',
    // Every name resolves to loopback without asking a DNS server (Remote Settings would look up
    // firefox.settings.services.mozilla.com at start-up otherwise).
    'network.dns.forceResolve': '127.0.0.1',
    'network.dns.native_https_query': false,
    'network.trr.mode': 5,
    'network.dns.disablePrefetch': true,
    'network.predictor.enabled': false,
    'network.prefetch-next': false,
    'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false,
    'dom.push.connection.enabled': false,
    'browser.region.network.url': '',
    'browser.region.update.enabled': false,
    'toolkit.telemetry.enabled': false,
    'toolkit.telemetry.unified': false,
    'toolkit.telemetry.server': '',
    'browser.ping-centre.telemetry': false,
    'app.shield.optoutstudies.enabled': false,
    'extensions.blocklist.enabled': false,
    'browser.safebrowsing.provider.mozilla.updateURL': '',
    // Background tabs' timers run as the selected tab's do.
    'dom.min_background_timeout_value': 4,
    'dom.min_background_timeout_value_without_budget_throttling': 4,
    'dom.timeout.enable_budget_timer_throttling': false,
    // Saved files go straight to downloadDir, without a dialog.
    'browser.download.folderList': 2,
    'browser.download.dir': downloadDir,
    'browser.download.useDownloadDir': true,
    'browser.download.start_downloads_in_tmp_dir': false,
    'browser.download.always_ask_before_handling_new_types': false,
    'browser.download.manager.showWhenStarting': false,
    'browser.helperApps.neverAsk.saveToDisk': 'application/vnd.tcpdump.pcap,application/json,application/octet-stream',
  };
}

/** A browser the journeys run in (support/journeys.ts), whatever drives it. */
export interface TestBrowser {
  /** The browser's version string, e.g. "firefox/153.8.0" or "Chromium/156…" / "156.0…". */
  version: string;
  /** A new tab, 1280×720, as an AppDriver, with its page errors and console errors collected. */
  newTab(label: string): Promise<{ d: AppDriver; errors: string[]; dialogs: string[] }>;
  close(): Promise<void>;
}

export async function launchFirefox(): Promise<TestBrowser> {
  const { default: puppeteer } = await import('puppeteer-core');
  const { puppeteerDriver } = await import('./puppeteer-driver.ts');
  const downloadDir = mkdtempSync(join(tmpdir(), 'firefox-downloads-'));
  let browser: PuppeteerBrowser;
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      protocol: 'webDriverBiDi',
      executablePath: browserPath('firefox'),
      headless: true,
      extraPrefsFirefox: firefoxPrefs(downloadDir),
    });
  } catch (e) {
    rmSync(downloadDir, { recursive: true, force: true });
    throw e;
  }
  return {
    version: await browser.version(),
    async newTab(label) {
      // A window of its own, not a tab: Firefox hides a background tab (no animation frames, timers
      // slowed to 1 Hz), while each tab under test stands for a student's own browser, on screen.
      const page = await browser.newPage({ type: 'window' });
      await page.setViewport({ width: 1280, height: 720 });
      const errors: string[] = [];
      const dialogs: string[] = [];
      page.on('pageerror', (e) => errors.push(`[${label}] ${e instanceof Error ? e.message : String(e)}`));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`[${label}] console: ${m.text()}`);
      });
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      return { d: puppeteerDriver(page, { downloadDir }), errors, dialogs };
    },
    async close() {
      await browser.close();
      rmSync(downloadDir, { recursive: true, force: true });
    },
  };
}

export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results', 'screenshots');

/** Save a PNG of the page under test-results/screenshots/ (git-ignored) and return its path. */
export async function screenshot(page: Page | AppDriver, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await asDriver(page).screenshot(path);
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
