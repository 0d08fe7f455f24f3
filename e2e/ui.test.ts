// The app in Debian's Chromium against a real relay serving a real `vite build` of it: students'
// tabs join a room through the join form, open and close connections through the socket panel,
// drop a segment with a targeted rule, export a pcap, reload. Assertions read what the user sees
// (the state diagram's highlighted state and step badges, the ladder's arrows, the packet log's
// rows). Screenshots of the main views go to test-results/screenshots/ (git-ignored).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from '@playwright/test';
import type { Relay } from '../relay/relay.ts';
import { buildApp, removeBuild } from './support/build-app.ts';
import { startUiRelay } from './support/relay.ts';
import { launchChromium, screenshot } from './support/browser.ts';
import {
  connectTo, countDeep, currentState, joinRoom, ladderArrows, listenOn, logCount, logRows, numberedPath, openApp, openSection,
} from './support/app-page.ts';
import type { AppPage } from './support/app-page.ts';
import { readPcap } from '../workers/tcp/pcap.ts';
import { decodePacket } from '../workers/tcp/wire/packet.ts';
import { flagNames } from '../workers/tcp/wire/describe.ts';
import { formatIpv4Address } from '../workers/tcp/wire/address.ts';
import { decodeSessionFile } from '../workers/persistence/session-file.ts';

let dir = '';
let relay: Relay;
let browser: Browser;
let a: AppPage;
let b: AppPage;
let addrA = '';
let addrB = '';

beforeAll(async () => {
  dir = await buildApp();
  relay = await startUiRelay(dir);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await relay?.close();
  removeBuild(dir);
});

const poll = { timeout: 10_000, interval: 100 };

function numbers(text: string): { seq: string | undefined; ack: string | undefined } {
  return { seq: text.match(/\bseq=(\d+)/)?.[1], ack: text.match(/\back=(\d+)/)?.[1] };
}

describe('the playground UI in Chromium through a real relay', () => {
  it('shows a name with markup as text, never as an element, and talks to the echo bot', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    const x = await openApp(browser, relay.url, 'xss');
    await joinRoom(x.page, 'xss', evil);
    await expect.poll(() => x.page.locator('pg-app-header .me').textContent(), poll).toContain(evil);
    const y = await openApp(browser, relay.url, 'y');
    await joinRoom(y.page, 'xss', 'Bo');
    // The other tab lists the name in its hosts panel: as text.
    await expect.poll(() => y.page.locator('pg-hosts-panel ul').textContent(), poll).toContain(evil);
    expect(await countDeep(x.page, 'img')).toBe(0);
    expect(await countDeep(y.page, 'img')).toBe(0);

    // The echo bot sends back what we send; the card shows the bytes and the same CRC.
    await y.page.locator('pg-hosts-panel button[aria-label="connect to echo"]').click();
    await y.page.locator('pg-socket-panel section[aria-label=connect] button[type=submit]').click();
    await expect.poll(() => currentState(y.page), poll).toBe('ESTABLISHED');
    await y.page.locator('pg-connection-card form[aria-label="send text"] input').fill(evil);
    await y.page.locator('pg-connection-card form[aria-label="send text"] button').click();
    await expect.poll(() => y.page.locator('pg-connection-card .received [data-bytes]').getAttribute('data-bytes'), poll).toBe(String(evil.length));
    expect(await y.page.locator('pg-connection-card pre').textContent()).toBe(evil);
    const crcs = await y.page.locator('pg-connection-card .io .mono').allTextContents();
    expect(crcs).toHaveLength(2);
    expect(crcs[0]).toBe(crcs[1]);
    expect(await countDeep(y.page, 'img')).toBe(0);
    expect(x.dialogs).toEqual([]);
    expect(y.dialogs).toEqual([]);
    expect([...x.errors, ...y.errors]).toEqual([]);
    await x.page.close();
    await y.page.close();
  });

  it('two tabs connect: each diagram highlights ESTABLISHED with its numbered path; the ladder matches the log', async () => {
    a = await openApp(browser, relay.url, 'ana', '?room=lab');
    b = await openApp(browser, relay.url, 'bo', '?room=lab');
    addrA = await joinRoom(a.page, 'lab', 'Ana');
    addrB = await joinRoom(b.page, 'lab', 'Bo');
    expect(addrA).not.toBe(addrB);
    await listenOn(b.page, 80);
    await connectTo(a.page, addrB, 80);
    await expect.poll(() => currentState(a.page), poll).toBe('ESTABLISHED');
    await expect.poll(() => currentState(b.page), poll).toBe('ESTABLISHED');
    expect(await numberedPath(a.page)).toEqual(['CLOSED:1', 'SYN-SENT:2', 'ESTABLISHED:3']);
    expect(await numberedPath(b.page)).toEqual(['CLOSED:1', 'LISTEN:2', 'SYN-RECEIVED:3', 'ESTABLISHED:4']);
    // Ana came first: she is the room's teacher and sees Bo's connection; Bo is told he is watched.
    expect(await a.page.locator('pg-app-header .teacher').textContent()).toBe('teacher');
    expect(await b.page.locator('pg-app-header tcp-watched-banner p').textContent()).toContain('Your teacher can see');
    await a.page.locator('pg-app-header button', { hasText: 'Class (1)' }).click();
    await expect.poll(() => a.page.locator(`section[aria-label="class"] tcp-teacher-view tr[data-address="${addrB}"] .conns`).textContent(), { ...poll, timeout: 15_000 }).toContain('ESTABLISHED');
    await screenshot(a.page, 'teacher-class');
    await a.page.keyboard.press('Escape');

    // The ladder: the three handshake segments, numbered as the log numbers them.
    await expect.poll(async () => (await ladderArrows(a.page)).length, poll).toBe(3);
    const arrows = await ladderArrows(a.page);
    expect(arrows.map((x) => x.label.split(' ')[0])).toEqual(['SYN', 'SYN,ACK', 'ACK']);
    expect(arrows.map((x) => numbers(x.label))).toEqual([
      { seq: '0', ack: undefined },
      { seq: '0', ack: '1' },
      { seq: '1', ack: '1' },
    ]);
    const rows = await logRows(a.page);
    expect(rows).toHaveLength(3);
    for (const arrow of arrows) {
      const row = rows.find((r) => r.key === arrow.key);
      expect(row, `log row for ladder arrow ${arrow.key}`).toBeDefined();
      expect(row!.cells[6]).toBe(arrow.label.split(' ')[0]);
      expect(numbers(row!.cells[7]!)).toEqual(numbers(arrow.label));
    }
    // x and y of the textbook: A's ISS is B's IRS, and the other way round.
    const xy = async (p: AppPage) => ({
      iss: await p.page.locator('pg-main-view .xy').getAttribute('data-iss'),
      irs: await p.page.locator('pg-main-view .xy').getAttribute('data-irs'),
    });
    const [xa, xb] = [await xy(a), await xy(b)];
    expect(xa.iss).toBe(xb.irs);
    expect(xa.irs).toBe(xb.iss);
    // Selecting a segment in the log selects it in the ladder too.
    await a.page.locator(`tcp-packet-log .row[data-key="${arrows[1]!.key}"]`).click();
    await expect.poll(() => a.page.locator('tcp-ladder g.arrow.selected').getAttribute('data-key'), poll).toBe(arrows[1]!.key);
    // Absolute numbers: the SYN carries x itself.
    await a.page.locator('pg-main-view .bar input[type=checkbox]').check();
    await expect.poll(async () => numbers((await ladderArrows(a.page))[0]!.label).seq, poll).toBe(xa.iss);
    await a.page.locator('pg-main-view .bar input[type=checkbox]').uncheck();
    await screenshot(a.page, 'main-handshake-client');
    await screenshot(b.page, 'main-handshake-server');
  });

  it('after the close, each diagram shows where its side ended and how it got there', async () => {
    await a.page.locator('pg-connection-card button', { hasText: /^Close$/ }).click();
    await expect.poll(() => currentState(a.page), poll).toBe('FIN-WAIT-2');
    await expect.poll(() => currentState(b.page), poll).toBe('CLOSE-WAIT');
    await b.page.locator('pg-connection-card button', { hasText: /^Close$/ }).click();
    await expect.poll(() => currentState(a.page), poll).toBe('TIME-WAIT');
    await expect.poll(() => currentState(b.page), poll).toBe('CLOSED');
    expect(await numberedPath(a.page)).toEqual(['CLOSED:1', 'SYN-SENT:2', 'ESTABLISHED:3', 'FIN-WAIT-1:4', 'FIN-WAIT-2:5', 'TIME-WAIT:6']);
    expect(await numberedPath(b.page)).toEqual(['CLOSED:1', 'LISTEN:2', 'SYN-RECEIVED:3', 'ESTABLISHED:4', 'CLOSE-WAIT:5', 'LAST-ACK:6', 'CLOSED:7']);
    // The ladder is redrawn at most every 120 ms (main-view's Throttled), so it may be a step behind
    // the state diagram that just said TIME-WAIT.
    await expect
      .poll(async () => (await ladderArrows(a.page)).map((x) => x.label.split(' ')[0]), poll)
      .toEqual(['SYN', 'SYN,ACK', 'ACK', 'FIN,ACK', 'ACK', 'FIN,ACK', 'ACK']);
    await screenshot(a.page, 'main-closed-client');
    await screenshot(b.page, 'main-closed-server');
  });

  it('a SYN,ACK dropped by a targeted rule shows as dropped, and the header says the rule is armed', async () => {
    await openSection(b.page, 'Faults');
    await b.page.locator('pg-fault-panel button', { hasText: 'next SYN,ACK' }).click();
    await expect.poll(() => b.page.locator('pg-fault-badge .badge').textContent(), poll).toContain('OUT drop SYN,ACK');
    await listenOn(b.page, 81);
    await connectTo(a.page, addrB, 81);
    // The drop on B's side: a log row marked dropped by the rule, a lost arrow in the ladder.
    await expect
      .poll(async () => (await logRows(b.page)).filter((r) => r.classes.includes('dropped')).map((r) => [r.cells[6], r.cells[8]]), poll)
      .toEqual([['SYN,ACK', 'dropped by a rule']]);
    await expect.poll(async () => (await ladderArrows(b.page)).filter((x) => x.classes.includes('lost')).map((x) => x.label.split(' ')[0]), poll).toEqual(['SYN,ACK']);
    await screenshot(b.page, 'main-dropped-synack');
    // The client's SYN is retransmitted, the SYN,ACK goes again, and the handshake completes.
    await expect.poll(() => currentState(a.page), { ...poll, timeout: 15_000 }).toBe('ESTABLISHED');
    await expect.poll(() => currentState(b.page), poll).toBe('ESTABLISHED');
    await expect.poll(() => b.page.locator('pg-fault-badge .badge').textContent(), poll).toBe('no faults');
    const retransmitted = (await logRows(a.page)).filter((r) => r.cells[8]?.includes('retransmission'));
    expect(retransmitted.map((r) => r.cells[6])).toContain('SYN');
  });

  it('pcap export: every logged segment, as on the wire, parses back', async () => {
    const [download] = await Promise.all([a.page.waitForEvent('download'), a.page.locator('pg-app-header button', { hasText: 'Export pcap' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^tcp-lab-ana-\d{8}-\d{6}\.pcap$/);
    const file = new Uint8Array(readFileSync((await download.path())!));
    const read = readPcap(file);
    if (!read.ok) throw new Error(read.reason);
    expect(read.value.linkType).toBe(101);
    const packets = read.value.packets.map((p) => {
      const d = decodePacket(p.bytes);
      if (!d.ok) throw new Error(d.reason);
      return { t: p.timeMs, src: formatIpv4Address(d.value.ip.src), dst: formatIpv4Address(d.value.ip.dst), flags: flagNames(d.value.tcp.flags), seq: d.value.tcp.seq, ack: d.value.tcp.ack };
    });
    // The page's own record of the segments it logged (A had no faults: one log row per segment).
    const logged = await a.page.evaluate(() =>
      document.querySelector('tcp-playground')!.controller.trace.records.flatMap((r) =>
        r.event.type === 'segment' ? [{ t: r.real, flags: r.event.seg.flags, seq: r.event.seg.seq, ack: r.event.seg.ack, src: r.event.src, dst: r.event.dst }] : [],
      ),
    );
    expect(packets).toHaveLength(logged.length);
    expect(await logCount(a.page)).toBe(packets.length);
    packets.forEach((p, i) => {
      const l = logged[i]!;
      expect({ src: p.src, dst: p.dst, flags: p.flags, seq: p.seq, ack: p.ack }).toEqual({ src: l.src, dst: l.dst, flags: flagNames(l.flags), seq: l.seq, ack: l.ack });
      expect(Math.abs(p.t - l.t)).toBeLessThan(0.001);
    });
    expect(packets.every((p) => p.src === addrA || p.dst === addrA)).toBe(true);
    // The first rows the log shows are the first packets of the file.
    const rows = await logRows(a.page);
    expect(rows[0]!.cells[6]).toBe(packets[0]!.flags);

    const [json] = await Promise.all([a.page.waitForEvent('download'), a.page.locator('pg-app-header button', { hasText: 'Export JSON' }).click()]);
    const session = decodeSessionFile(readFileSync((await json.path())!, 'utf8'));
    if (!session.ok) throw new Error(session.reason);
    expect(session.records.filter((r) => r.event.type === 'segment')).toHaveLength(packets.length);
    expect(session.session).toMatchObject({ room: 'lab', name: 'Ana', mode: 'relay' });
  });

  it('a reload keeps the session and its log, and offers to continue in the same room', async () => {
    const before = await logCount(a.page);
    const path = await numberedPath(a.page);
    await a.page.evaluate(() => document.querySelector('tcp-playground')!.flushPersistence());
    await a.page.reload();
    const banner = a.page.locator('tcp-playground .resume');
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.textContent()).toContain('Your session before the reload');
    await expect.poll(() => logCount(a.page), poll).toBe(before);
    expect(await numberedPath(a.page)).toEqual(path);
    await screenshot(a.page, 'reload-saved-session');
    await banner.locator('button', { hasText: 'Continue in room lab as Ana' }).click();
    await expect.poll(() => a.page.locator('pg-app-header .link').textContent(), poll).toBe('connected');
    await expect.poll(() => a.page.locator('pg-hosts-panel ul').textContent(), poll).toContain('Bo');
    await a.page.locator('pg-app-header button', { hasText: 'Sessions' }).click();
    await expect.poll(() => a.page.locator('pg-sessions-panel li').count(), poll).toBe(2);
    expect(await a.page.locator('pg-sessions-panel li.current .title').textContent()).toContain('room lab');
    await screenshot(a.page, 'sessions-drawer');
    expect([...a.errors, ...b.errors]).toEqual([]);
    await a.page.close();
    await b.page.close();
  });

  it('the Exercises drawer lists the built-in exercises and ticks the handshake checklist from a real connection', async () => {
    const w = await openApp(browser, relay.url, 'workshop');
    await joinRoom(w.page, 'ws1', 'Solo');
    await w.page.locator('pg-app-header button', { hasText: 'Exercises' }).click();
    await expect.poll(() => w.page.locator('tcp-exercise-list li[data-id]').count(), poll).toBe(13);
    await w.page.locator('tcp-exercise-list li[data-id="handshake"] button').click();
    const items = () =>
      w.page.locator('tcp-exercise-panel .checks li').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-id')}:${e.hasAttribute('data-done')}`));
    // Nothing is ticked before anything happened on the wire.
    expect((await items()).every((x) => x.endsWith(':false'))).toBe(true);
    await w.page.locator('section[aria-label="exercises"] header button').click();
    await connectTo(w.page, '10.0.0.7', 7);
    await expect.poll(() => currentState(w.page), poll).toBe('ESTABLISHED');
    await w.page.locator('pg-connection-card input.text').fill('hello');
    await w.page.locator('pg-connection-card').getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(async () => (await items()).filter((x) => x.endsWith(':false')), poll).toEqual([]);
    await w.page.locator('pg-app-header button', { hasText: 'Exercises' }).click();
    await screenshot(w.page, 'exercises-handshake');
    expect(w.errors).toEqual([]);
    await w.page.close();
  });

  it('offline mode: two hosts in one tab connect, in presentation mode and the dark theme', async () => {
    const o = await openApp(browser, relay.url, 'offline');
    await o.page.locator('pg-join-screen .offline button').click();
    await o.page.locator('pg-control-sidebar .hosts button', { hasText: 'host-2' }).click();
    await listenOn(o.page, 80);
    await o.page.locator('pg-control-sidebar .hosts button', { hasText: 'host-1' }).click();
    await connectTo(o.page, '10.0.0.2', 80);
    await expect.poll(() => currentState(o.page), poll).toBe('ESTABLISHED');
    // One tab holds both ends: the ladder pairs each send with its arrival.
    await expect.poll(async () => (await ladderArrows(o.page)).map((x) => x.classes.split(' ')[1]), poll).toEqual(['delivered', 'delivered', 'delivered']);
    await o.page.locator('pg-app-header button', { hasText: 'Theme' }).click(); // auto → light
    await o.page.locator('pg-app-header button', { hasText: 'Theme' }).click(); // light → dark
    await o.page.locator('pg-app-header button', { hasText: 'Presentation' }).click();
    expect(await o.page.locator('tcp-playground').getAttribute('theme')).toBe('dark');
    expect(await o.page.locator('tcp-playground').getAttribute('presentation')).not.toBeNull();
    // Elements deep inside take the root's palette and sizes through the shadow roots (no property of their own).
    expect(await o.page.locator('tcp-ladder').evaluate((el) => getComputedStyle(el).getPropertyValue('--tcp-bg').trim())).toBe('#0d1117');
    expect(await o.page.locator('tcp-ladder').evaluate((el) => getComputedStyle(el).fontSize)).toBe('20px');
    await expect.poll(() => o.page.locator('tcp-packet-log').evaluate((el) => (el as unknown as { rowHeight: number }).rowHeight), poll).toBe(32);
    await screenshot(o.page, 'offline-dark-presentation');
    expect(o.errors).toEqual([]);
    await o.page.close();
  });
});
