// The relay's Content-Security-Policy against the real built app in Debian's Chromium: the page
// loads, its worker starts, it joins a room over the WebSocket, talks to the echo bot, exports a
// pcap (a blob: download) and reloads, all without a single CSP violation; and no page can frame it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from '@playwright/test';
import type { Relay } from '../relay/relay.ts';
import { CONTENT_SECURITY_POLICY } from '../relay/security-headers.ts';
import { buildApp, removeBuild } from './support/build-app.ts';
import { startUiRelay } from './support/relay.ts';
import { launchChromium } from './support/browser.ts';
import { connectTo, currentState, joinRoom } from './support/app-page.ts';

let dir = '';
let relay: Relay;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  dir = await buildApp();
  relay = await startUiRelay(dir);
  browser = await launchChromium();
  context = await browser.newContext({ acceptDownloads: true });
  // Every violation, wherever it happens, as a console error the test collects.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await relay?.close();
  removeBuild(dir);
});

describe('Content-Security-Policy with the built UI', () => {
  it('lets the whole app run: worker, WebSocket, bot, pcap download, reload', async () => {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    const res = await page.goto(relay.url);
    expect(res?.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    await page.locator('pg-join-screen #room').waitFor();
    await joinRoom(page, 'csp', 'Ana');
    await connectTo(page, '10.0.0.7', 7);
    await expect.poll(() => currentState(page), { timeout: 10_000, interval: 100 }).toBe('ESTABLISHED');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('pg-app-header button', { hasText: 'Export pcap' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.pcap$/);
    await page.reload();
    await page.locator('pg-app-header, pg-join-screen').first().waitFor();
    await page.waitForTimeout(500);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('cannot be framed (frame-ancestors none)', async () => {
    const page = await context.newPage();
    const messages: string[] = [];
    page.on('console', (m) => messages.push(m.text()));
    await page.setContent(`<iframe id="f" src="${relay.url}"></iframe>`);
    await expect.poll(() => messages.some((t) => /frame-ancestors 'none'/.test(t)), { timeout: 5000, interval: 100 }).toBe(true);
    // The frame never got the app.
    const frame = page.frames().find((f) => f !== page.mainFrame());
    expect(await frame?.locator('tcp-playground').count().catch(() => 0)).toBe(0);
    await page.close();
  });
});
