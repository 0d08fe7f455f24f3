// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import './packet-log.ts';
import { indexFor } from '../model/trace-index.ts';
import { packetRows } from '../model/segments.ts';
import type { SegmentRow } from '../model/segments.ts';
import { A, B, handshake, lossAndRetransmit, refused } from '../model/test-fixtures.ts';
import { $, $$, listen, mount, text, update } from './test-helpers.ts';
import type { SegmentSelectDetail } from './events.ts';
import type { FilterChangeDetail } from './packet-log.ts';

afterEach(() => document.body.replaceChildren());

const rowKeys = (el: Element) => $$(el, '.row').map((r) => r.getAttribute('data-key'));

function many(n: number): SegmentRow[] {
  const base = packetRows(handshake().events);
  return Array.from({ length: n }, (_, i) => ({ ...base[i % base.length]!, key: `h/${i}`, ordinal: i, t: i }));
}

describe('<tcp-packet-log>', () => {
  it('lists every segment with time, host, direction, addresses, flags and info', async () => {
    const ix = indexFor(handshake().events);
    const el = await mount('tcp-packet-log', { rows: ix.rows(), connections: ix.connections() });
    expect(rowKeys(el)).toEqual([`${A}/0`, `${B}/0`, `${B}/1`, `${A}/1`, `${A}/2`, `${B}/2`]);
    const cells = [...$$(el, '.row')[2]!.querySelectorAll('span')].map(text);
    expect(cells).toEqual(['3', '5 ms', B, '→', `${B}:80`, `${A}:49152`, 'SYN,ACK', '80 → 49152 [SYN,ACK] seq=0 ack=1 win=65535 len=0 MSS=1460', '']);
    expect(text($(el, '.count'))).toBe('6 segments');
  });

  it('shows absolute numbers on the toggle', async () => {
    const ix = indexFor(handshake().events);
    const el = await mount('tcp-packet-log', { rows: ix.rows(), absolute: true });
    expect(text($$(el, '.row')[0]!)).toContain('seq=1000');
  });

  it('keeps only a few dozen row elements for 100,000 rows', async () => {
    const rows = many(100_000);
    const el = await mount('tcp-packet-log', { rows });
    const n = $$(el, '.row').length;
    expect(n).toBeGreaterThan(10);
    expect(n).toBeLessThan(60);
    expect(($(el, '.spacer') as HTMLElement).style.height).toBe(`${100_000 * 24}px`);
    const scroller = $(el, '.scroller') as HTMLElement;
    scroller.scrollTop = 50_000 * 24;
    scroller.dispatchEvent(new Event('scroll'));
    await el.updateComplete;
    const shown = rowKeys(el).map((k) => Number(k!.split('/')[1]));
    expect(shown).toContain(50_000);
    expect($$(el, '.row').length).toBeLessThan(60);
    expect(text($(el, '.count'))).toBe('100000 segments');
  });

  it('follows new rows to the bottom, scrolling at the start of the next frame', async () => {
    const el = await mount('tcp-packet-log', { rows: many(10) });
    const scroller = $(el, '.scroller') as HTMLElement;
    await update(el, { rows: many(1_000) });
    expect(scroller.scrollTop).toBe(0); // not during the update: that would force a layout
    // ...but the newest rows are drawn at once, so the scroll that follows draws nothing new.
    const drawn = () => $$(el, '.row').map((r) => r.getAttribute('data-key'));
    expect(drawn()).toContain('h/999');
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    expect(scroller.scrollTop).toBe(1_000 * 24);
    expect(drawn()).toContain('h/999');
  });

  it('while rows stream in, draws few rows above the view it follows; the full margin when calm or scrolled up', async () => {
    const el = await mount('tcp-packet-log', { rows: many(10) });
    const scroller = $(el, '.scroller') as HTMLElement;
    await update(el, { rows: many(1_000) });
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    // The test DOM lays nothing out: the log then assumes a view of 480 px.
    const inView = Math.ceil((scroller.clientHeight || 480) / 24);
    // Calm: ten rows above the view, so a fast scroll shows no gap.
    expect($$(el, '.row').length).toBeGreaterThanOrEqual(inView + 10);
    await update(el, { streaming: true, rows: many(1_250) });
    // Streaming: the view plus two rows above it (and one partly shown): each row drawn is text to lay out.
    expect($$(el, '.row').length).toBeLessThanOrEqual(inView + 3);
    expect($$(el, '.row').at(-1)!.getAttribute('data-key')).toBe('h/1249');
    // The test DOM has no layout: give the scroller the sizes a browser would.
    Object.defineProperty(scroller, 'clientHeight', { value: inView * 24 });
    Object.defineProperty(scroller, 'scrollHeight', { value: 1_250 * 24 });
    scroller.scrollTop = 500 * 24;
    scroller.dispatchEvent(new Event('scroll'));
    await el.updateComplete;
    // Ten rows above and below the view, so a fast scroll shows no gap.
    expect($$(el, '.row').length).toBeGreaterThanOrEqual(inView + 19);
  });

  it('filters by flags, direction, dropped and connection, and says so', async () => {
    const ix = indexFor(lossAndRetransmit().events);
    const el = await mount('tcp-packet-log', { rows: ix.rows(), connections: ix.connections() });
    const changes = listen<FilterChangeDetail>(el, 'filter-change');
    const syn = $$(el, '.toolbar button').find((b) => text(b) === 'SYN')!;
    (syn as HTMLButtonElement).click();
    await el.updateComplete;
    expect($$(el, '.row')).toHaveLength(4);
    expect(syn.getAttribute('aria-pressed')).toBe('true');
    expect(text($(el, '.count'))).toBe('4 of 12 segments');
    (syn as HTMLButtonElement).click();
    const [conn, dir] = $$(el, 'select') as HTMLSelectElement[];
    dir!.value = 'in';
    dir!.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect($$(el, '.row').every((r) => r.classList.contains('in'))).toBe(true);
    dir!.value = '';
    dir!.dispatchEvent(new Event('change'));
    const dropped = $$(el, 'input[type=checkbox]')[0] as HTMLInputElement;
    dropped.checked = true;
    dropped.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect($$(el, '.row').map((r) => r.classList.contains('dropped'))).toEqual([true]);
    dropped.checked = false;
    dropped.dispatchEvent(new Event('change'));
    conn!.value = `${B}#1`;
    conn!.dispatchEvent(new Event('change'));
    await el.updateComplete;
    // "This connection" means both ends' records of it.
    expect(changes.at(-1)!.detail.filter.conns).toEqual([`${B}#1`, `${A}#1`]);
    expect($$(el, '.row')).toHaveLength(12);
  });

  it('shows a filter set from outside in its controls', async () => {
    const ix = indexFor(handshake().events);
    const el = await mount('tcp-packet-log', { rows: ix.rows(), connections: ix.connections() });
    await update(el, { filter: { conns: [`${A}#1`], flags: 0x02, dir: 'out', droppedOnly: true, retransmissionsOnly: false } });
    const [conn, dir] = $$(el, 'select') as HTMLSelectElement[];
    expect(conn!.value).toBe(`${A}#1`);
    expect(dir!.value).toBe('out');
    expect(($$(el, 'input[type=checkbox]')[0] as HTMLInputElement).checked).toBe(true);
    expect($$(el, '.toolbar button[aria-pressed="true"]').map(text)).toEqual(['SYN']);
  });

  it('says when nothing matches', async () => {
    const ix = indexFor(handshake().events);
    const el = await mount('tcp-packet-log', { rows: ix.rows(), filter: { conns: null, flags: 0x04, dir: null, droppedOnly: false, retransmissionsOnly: false } });
    expect(text($(el, '.empty'))).toBe('No segment matches the filter.');
  });

  it('dispatches segment-select on click and marks the selected row', async () => {
    const rows = packetRows(refused().events);
    const el = await mount('tcp-packet-log', { rows });
    const got = listen<SegmentSelectDetail>(document, 'segment-select');
    ($$(el, '.row')[1] as HTMLElement).click();
    expect(got.map((e) => e.detail.key)).toEqual([`${B}/0`]);
    await update(el, { selected: `${B}/0` });
    const sel = $$(el, '.row.selected');
    expect(sel.map((r) => r.getAttribute('data-key'))).toEqual([`${B}/0`]);
    expect(sel[0]!.getAttribute('aria-selected')).toBe('true');
    expect(text(sel[0])).toContain('dropped: no-listener');
  });

  it('moves the selection with the keyboard', async () => {
    const el = await mount('tcp-packet-log', { rows: packetRows(handshake().events), selected: `${B}/0` });
    const got = listen<SegmentSelectDetail>(el, 'segment-select');
    const list = $(el, '.scroller');
    list.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown' }));
    list.dispatchEvent(new KeyboardEvent('keydown', { key: 'Home' }));
    list.dispatchEvent(new KeyboardEvent('keydown', { key: 'End' }));
    expect(got.map((e) => e.detail.key)).toEqual([`${B}/1`, `${A}/0`, `${B}/2`]);
  });

  it('renders names and data from the trace as text, never markup', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    const [row] = packetRows(handshake().events);
    const el = await mount('tcp-packet-log', { rows: [{ ...row!, host: evil, src: evil, seg: null, drop: { by: 'stack', reason: 'malformed', detail: evil } }] });
    expect(el.shadowRoot!.querySelector('img')).toBeNull();
    expect(text($(el, '.row'))).toContain(evil);
  });
});
