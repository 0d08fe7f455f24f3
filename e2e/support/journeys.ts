// The journeys that matter most, written once and run in every browser we test (journeys-*.test.ts):
// Chromium through Playwright and a stock Firefox (Debian's firefox-esr) over WebDriver BiDi through
// puppeteer-core, each against a real relay serving a real `vite build` of the app: join a room and handshake with
// the echo bot (the state diagram's numbered path), two tabs connecting, the teacher view with one
// student, a dropped segment shown as dropped, pcap export parsing back, a reload keeping the
// session (IndexedDB), 1 MiB between two tabs intact, one exercise ticking its checklist. No page
// may log an error. Screenshots go to test-results/screenshots/<browser>-*.png, side by side.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../relay/relay.ts';
import { buildApp, removeBuild } from './build-app.ts';
import { startUiRelay } from './relay.ts';
import { screenshot, type TestBrowser } from './browser.ts';
import {
  cardCrcs, connectTo, currentState, joinRoom, ladderArrows, listenOn, logCount, logRows, numberedPath, openSection, openTab, receivedBytes, sendText,
  type AppTab,
} from './app-page.ts';
import { readPcap } from '../../workers/tcp/pcap.ts';
import { decodePacket } from '../../workers/tcp/wire/packet.ts';
import { flagNames } from '../../workers/tcp/wire/describe.ts';
import { formatIpv4Address } from '../../workers/tcp/wire/address.ts';

const MiB = 1024 * 1024;

const poll = { timeout: 10_000, interval: 100 };

/** The journeys in one browser: `name` prefixes the screenshots and the room names. */
export function describeJourneys(name: 'chromium' | 'firefox', launch: () => Promise<TestBrowser>): void {
let dir = '';
let relay: Relay;
let browser: TestBrowser;
let a: AppTab;
let b: AppTab;
let addrA = '';
let addrB = '';
const room = (r: string) => `${name.slice(0, 2)}-${r}`;
const shot = (t: AppTab, what: string) => screenshot(t.d, `${name}-${what}`);

beforeAll(async () => {
  dir = await buildApp();
  relay = await startUiRelay(dir);
  browser = await launch();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await relay?.close();
  removeBuild(dir);
});

describe(`the playground in ${name} through a real relay`, () => {
  it(`runs in ${name}`, () => {
    expect(browser.version.toLowerCase()).toContain(name === 'firefox' ? 'firefox/' : 'chrom');
  });

  it('joins a room through the join screen and handshakes with the echo bot: CLOSED 1, SYN-SENT 2, ESTABLISHED 3', async () => {
    const x = await openTab(browser, relay.url, 'echo');
    await shot(x, 'join-screen');
    const addr = await joinRoom(x.d, room('echo'), 'Fox');
    expect(addr).toMatch(/^10\.0\.\d+\.\d+$/);
    await x.d.click('pg-hosts-panel button[aria-label="connect to echo"]');
    await x.d.click('pg-socket-panel section[aria-label=connect] button[type=submit]');
    await expect.poll(() => currentState(x.d), poll).toBe('ESTABLISHED');
    expect(await numberedPath(x.d)).toEqual(['CLOSED:1', 'SYN-SENT:2', 'ESTABLISHED:3']);
    // The echo bot sends back what we send; the card shows the bytes and the same CRC both ways.
    await sendText(x.d, 'hello, Firefox');
    await expect.poll(() => receivedBytes(x.d), poll).toBe('hello, Firefox'.length);
    expect(await x.d.text('pg-connection-card pre')).toBe('hello, Firefox');
    const crcs = await cardCrcs(x.d);
    expect(crcs).toHaveLength(2);
    expect(crcs[0]).toBe(crcs[1]);
    await shot(x, 'main-echo');
    expect(x.errors).toEqual([]);
    expect(x.dialogs).toEqual([]);
    await x.d.close();
  });

  it('two tabs connect, each diagram shows its numbered path, and the teacher sees the one student', async () => {
    a = await openTab(browser, relay.url, 'ana', `?room=${room('lab')}`);
    b = await openTab(browser, relay.url, 'bo', `?room=${room('lab')}`);
    addrA = await joinRoom(a.d, room('lab'), 'Ana');
    addrB = await joinRoom(b.d, room('lab'), 'Bo');
    expect(addrA).not.toBe(addrB);
    await listenOn(b.d, 80);
    await connectTo(a.d, addrB, 80);
    await expect.poll(() => currentState(a.d), poll).toBe('ESTABLISHED');
    await expect.poll(() => currentState(b.d), poll).toBe('ESTABLISHED');
    expect(await numberedPath(a.d)).toEqual(['CLOSED:1', 'SYN-SENT:2', 'ESTABLISHED:3']);
    expect(await numberedPath(b.d)).toEqual(['CLOSED:1', 'LISTEN:2', 'SYN-RECEIVED:3', 'ESTABLISHED:4']);
    // The handshake in the ladder, numbered as the log numbers it.
    await expect.poll(async () => (await ladderArrows(a.d)).map((x) => x.label.split(' ')[0]), poll).toEqual(['SYN', 'SYN,ACK', 'ACK']);
    const rows = await logRows(a.d);
    expect(rows.map((r) => r.cells[6])).toEqual(['SYN', 'SYN,ACK', 'ACK']);
    await shot(a, 'main-handshake-client');
    await shot(b, 'main-handshake-server');
    // Ana came first: she is the room's teacher and sees Bo's connection; Bo is told he is watched.
    expect(await a.d.text('pg-app-header .teacher')).toBe('teacher');
    expect(await b.d.text('pg-app-header tcp-watched-banner p')).toContain('Your teacher can see');
    await a.d.click('pg-app-header button', { hasText: 'Class (1)' });
    await expect
      .poll(() => a.d.text(`section[aria-label="class"] tcp-teacher-view tr[data-address="${addrB}"] .conns`), { ...poll, timeout: 15_000 })
      .toContain('ESTABLISHED');
    await shot(a, 'teacher-class');
    await a.d.press('Escape');
  });

  it('a SYN,ACK dropped by a targeted rule shows as dropped, and the retransmitted SYN completes the handshake', async () => {
    await openSection(b.d, 'Faults');
    await b.d.click('pg-fault-panel button', { hasText: 'next SYN,ACK' });
    await expect.poll(() => b.d.text('pg-fault-badge .badge'), poll).toContain('OUT drop SYN,ACK');
    await listenOn(b.d, 81);
    await connectTo(a.d, addrB, 81);
    await expect
      .poll(async () => (await logRows(b.d)).filter((r) => r.classes.includes('dropped')).map((r) => [r.cells[6], r.cells[8]]), poll)
      .toEqual([['SYN,ACK', 'dropped by a rule']]);
    await expect.poll(async () => (await ladderArrows(b.d)).filter((x) => x.classes.includes('lost')).map((x) => x.label.split(' ')[0]), poll).toEqual(['SYN,ACK']);
    await shot(b, 'main-dropped-synack');
    await expect.poll(() => currentState(a.d), { ...poll, timeout: 15_000 }).toBe('ESTABLISHED');
    await expect.poll(() => currentState(b.d), poll).toBe('ESTABLISHED');
    expect((await logRows(a.d)).filter((r) => r.cells[8]?.includes('retransmission')).map((r) => r.cells[6])).toContain('SYN');
  });

  it('pcap export: the file Firefox saves has every logged segment and parses back', async () => {
    const file = await a.d.download(() => a.d.click('pg-app-header button', { hasText: 'Export pcap' }));
    expect(file.name).toMatch(new RegExp(`^tcp-${room('lab')}-ana-\\d{8}-\\d{6}\\.pcap$`));
    const read = readPcap(file.bytes);
    if (!read.ok) throw new Error(read.reason);
    expect(read.value.linkType).toBe(101);
    const packets = read.value.packets.map((p) => {
      const d = decodePacket(p.bytes);
      if (!d.ok) throw new Error(d.reason);
      return { src: formatIpv4Address(d.value.ip.src), dst: formatIpv4Address(d.value.ip.dst), flags: flagNames(d.value.tcp.flags), seq: d.value.tcp.seq, ack: d.value.tcp.ack };
    });
    const logged = await a.d.evaluate(
      () =>
        document.querySelector('tcp-playground')!.controller.trace.records.flatMap((r) =>
          r.event.type === 'segment' ? [{ flags: r.event.seg.flags, seq: r.event.seg.seq, ack: r.event.seg.ack, src: r.event.src, dst: r.event.dst }] : [],
        ),
      null,
    );
    expect(packets.length).toBeGreaterThan(6);
    expect(packets).toEqual(logged.map((l) => ({ src: l.src, dst: l.dst, flags: flagNames(l.flags), seq: l.seq, ack: l.ack })));
    expect(await logCount(a.d)).toBe(packets.length);
  });

  it('a reload keeps the session and its log (IndexedDB) and offers to continue in the same room', async () => {
    const before = await logCount(a.d);
    const path = await numberedPath(a.d);
    await a.d.evaluate(() => document.querySelector('tcp-playground')!.flushPersistence(), null);
    await a.d.reload();
    await a.d.waitFor('tcp-playground .resume', { timeout: 10_000 });
    expect(await a.d.text('tcp-playground .resume')).toContain('Your session before the reload');
    await expect.poll(() => logCount(a.d), poll).toBe(before);
    expect(await numberedPath(a.d)).toEqual(path);
    await shot(a, 'reload-saved-session');
    await a.d.click('tcp-playground .resume button', { hasText: `Continue in room ${room('lab')} as Ana` });
    await expect.poll(() => a.d.text('pg-app-header .link'), poll).toBe('connected');
    await expect.poll(() => a.d.text('pg-hosts-panel ul'), poll).toContain('Bo');
    expect([...a.errors, ...b.errors]).toEqual([]);
    await a.d.close();
    await b.d.close();
  });

  it('two tabs move 1 MiB: all of it arrives, with the CRC-32 it was sent with', async () => {
    const s = await openTab(browser, relay.url, 'sender', `?room=${room('bulk')}`);
    const r = await openTab(browser, relay.url, 'receiver', `?room=${room('bulk')}`);
    await joinRoom(s.d, room('bulk'), 'Sender');
    const to = await joinRoom(r.d, room('bulk'), 'Receiver');
    await listenOn(r.d, 9000);
    await connectTo(s.d, to, 9000);
    await expect.poll(() => currentState(r.d), poll).toBe('ESTABLISHED');
    // New connections are read automatically (the sidebar's default), so all of it reaches the card.
    await r.d.waitFor('pg-connection-card .hint', { hasText: 'reading automatically' });
    await s.d.fill('pg-connection-card form[aria-label="send a file"] input', String(MiB));
    await s.d.click('pg-connection-card form[aria-label="send a file"] button');
    await expect.poll(() => receivedBytes(r.d), { timeout: 60_000, interval: 250 }).toBe(MiB);
    const [sent] = await cardCrcs(s.d);
    const [received] = await cardCrcs(r.d);
    expect(sent).toMatch(/^[0-9a-f]{8}$/i);
    expect(received).toBe(sent);
    await shot(r, 'main-bulk-receiver');
    expect([...s.errors, ...r.errors]).toEqual([]);
    await s.d.close();
    await r.d.close();
  }, 90_000);

  it('the handshake exercise ticks its checklist from a real connection to the echo bot', async () => {
    const w = await openTab(browser, relay.url, 'workshop');
    await joinRoom(w.d, room('ws'), 'Solo');
    await w.d.click('pg-app-header button', { hasText: 'Exercises' });
    await expect.poll(() => w.d.count('tcp-exercise-list li[data-id]'), poll).toBe(13);
    await w.d.click('tcp-exercise-list li[data-id="handshake"] button');
    const items = () => w.d.evalAll('tcp-exercise-panel .checks li', (els) => els.map((e) => `${e.getAttribute('data-id')}:${e.hasAttribute('data-done')}`), null);
    await expect.poll(async () => (await items()).length, poll).toBeGreaterThan(0);
    expect((await items()).every((x) => x.endsWith(':false'))).toBe(true);
    await w.d.click('section[aria-label="exercises"] header button');
    await connectTo(w.d, '10.0.0.7', 7);
    await expect.poll(() => currentState(w.d), poll).toBe('ESTABLISHED');
    await sendText(w.d, 'hello');
    await expect.poll(async () => (await items()).filter((x) => x.endsWith(':false')), poll).toEqual([]);
    await w.d.click('pg-app-header button', { hasText: 'Exercises' });
    await shot(w, 'exercises-handshake');
    expect(w.errors).toEqual([]);
    await w.d.close();
  });
});
}
