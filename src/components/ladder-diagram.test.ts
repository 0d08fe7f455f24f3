// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import './ladder-diagram.ts';
import { ladderRows } from '../model/ladder.ts';
import { A, A_ISN, B, B_ISN, fourWayClose, handshake, lossAndRetransmit, transfer } from '../model/test-fixtures.ts';
import { $, $$, listen, mount, text, update } from './test-helpers.ts';
import type { SegmentSelectDetail } from './events.ts';

afterEach(() => document.body.replaceChildren());

const labels = (el: Element) => $$(el, '.arrow text').map((t) => text(t));

describe('<tcp-ladder>', () => {
  it('draws the handshake as three arrows labelled with relative numbers', async () => {
    const el = await mount('tcp-ladder', { ladder: ladderRows(handshake().events, `${A}#1`) });
    const arrows = $$(el, '.arrow');
    expect(arrows).toHaveLength(3);
    expect(labels(el)).toEqual([
      'SYN seq=0 len=0 win=65535',
      'SYN,ACK seq=0 ack=1 len=0 win=65535',
      'ACK seq=1 ack=1 len=0 win=65535',
    ]);
    expect(arrows.map((a) => a.getAttribute('data-key'))).toEqual([`${A}/0`, `${B}/1`, `${A}/2`]);
    expect($$(el, '.end .addr').map(text)).toEqual([`${A}:49152`, `${B}:80`]);
    expect($$(el, '.end .role').map(text)).toEqual(['client (active open)', 'server (passive open)']);
  });

  it('shows absolute numbers on the toggle', async () => {
    const el = await mount('tcp-ladder', { ladder: ladderRows(handshake().events, `${A}#1`), absolute: true });
    expect(labels(el)[1]).toBe(`SYN,ACK seq=${B_ISN} ack=${A_ISN + 1} len=0 win=65535`);
  });

  it('writes the states along each line where they change', async () => {
    const el = await mount('tcp-ladder', { ladder: ladderRows(fourWayClose().events, `${A}#1`) });
    const marks = $$(el, '.mark').map((m) => [m.querySelector('text')!.getAttribute('text-anchor'), text(m.querySelector('text'))]);
    expect(marks.filter((m) => m[0] === 'end').map((m) => m[1])).toEqual(['SYN-SENT', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT', 'CLOSED']);
    expect(marks.filter((m) => m[0] === 'start').map((m) => m[1])).toEqual(['LISTEN', 'SYN-RECEIVED', 'ESTABLISHED', 'CLOSE-WAIT', 'LAST-ACK', 'CLOSED']);
    expect(text($(el, '.mark title'))).toContain('active OPEN / create TCB, snd SYN');
  });

  it('ends a lost segment in a cross short of the receiver and marks the retransmission', async () => {
    const el = await mount('tcp-ladder', { ladder: ladderRows(lossAndRetransmit().events, `${A}#1`) });
    const lost = $$(el, '.arrow.lost');
    expect(lost).toHaveLength(1);
    expect(lost[0]!.querySelector('path.cross')).not.toBeNull();
    expect(lost[0]!.querySelector('polygon.head')).toBeNull();
    const x2 = Number(lost[0]!.querySelector('line.shaft')!.getAttribute('x2'));
    const lines = $$(el, 'line.line').map((l) => Number(l.getAttribute('x1')));
    expect(x2).toBeGreaterThan(lines[0]!);
    expect(x2).toBeLessThan(lines[1]!);
    expect(text(lost[0])).toContain('lost');
    const retrans = $$(el, '.arrow.retransmission');
    expect(retrans).toHaveLength(1);
    expect(text(retrans[0])).toContain('retransmission');
    expect($$(el, '.arrow.duplicate')).toHaveLength(1);
  });

  it('dispatches segment-select with the segment key on click, and highlights the selection', async () => {
    const el = await mount('tcp-ladder', { ladder: ladderRows(handshake().events, `${A}#1`) });
    const got = listen<SegmentSelectDetail>(document, 'segment-select');
    ($$(el, '.arrow')[1] as SVGElement).dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(got.map((e) => e.detail.key)).toEqual([`${B}/1`]);
    expect(got[0]!.bubbles && got[0]!.composed).toBe(true);
    await update(el, { selected: `${A}/1` }); // the arrival's key selects the same arrow
    expect($$(el, '.arrow.selected').map((a) => a.getAttribute('data-key'))).toEqual([`${B}/1`]);
    expect($$(el, '.arrow.selected')[0]!.getAttribute('aria-selected')).toBe('true');
  });

  it('moves the selection with the arrow keys', async () => {
    const el = await mount('tcp-ladder', { ladder: ladderRows(handshake().events, `${A}#1`), selected: `${A}/0` });
    const got = listen<SegmentSelectDetail>(el, 'segment-select');
    const scroller = $(el, '.scroller');
    expect(scroller.getAttribute('tabindex')).toBe('0');
    scroller.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
    scroller.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true }));
    expect(got.map((e) => e.detail.key)).toEqual([`${B}/1`, `${A}/2`]);
  });

  it('renders only the visible window of a ladder with thousands of packets', async () => {
    const ladder = ladderRows(transfer(3000), `${A}#1`)!;
    expect(ladder.arrows.length).toBe(6003);
    const el = await mount('tcp-ladder', { ladder });
    const n = $$(el, '.arrow').length;
    expect(n).toBeGreaterThan(5);
    expect(n).toBeLessThan(80);
    const spacer = $(el, '.spacer') as HTMLElement;
    expect(parseFloat(spacer.style.height)).toBeGreaterThan(6000 * 30);
    // Scrolled to the middle, the arrows drawn are the middle ones.
    const scroller = $(el, '.scroller') as HTMLElement;
    scroller.scrollTop = 3000 * 2 * 30;
    scroller.dispatchEvent(new Event('scroll'));
    await el.updateComplete;
    const keys = $$(el, '.arrow').map((a) => Number(a.getAttribute('data-key')!.split('/')[1]));
    expect(Math.min(...keys)).toBeGreaterThan(2500);
  });

  it('follows a growing ladder: the newest arrows are drawn at once, the scroll comes next frame', async () => {
    const el = await mount('tcp-ladder', { ladder: ladderRows(transfer(10), `${A}#1`)! });
    const bigger = ladderRows(transfer(2000), `${A}#1`)!;
    await update(el, { ladder: bigger });
    const last = bigger.arrows[bigger.arrows.length - 1]!.key;
    expect($$(el, '.arrow').map((a) => a.getAttribute('data-key'))).toContain(last);
    const scroller = $(el, '.scroller') as HTMLElement;
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    expect(scroller.scrollTop).toBeGreaterThan(2000 * 30);
  });

  it('renders addresses and labels as text, never markup', async () => {
    const ladder = ladderRows(handshake().events, `${A}#1`)!;
    const evil = { ...ladder, ends: [{ ...ladder.ends[0], addr: '<img src=x onerror=alert(1)>' }, ladder.ends[1]] as typeof ladder.ends };
    const el = await mount('tcp-ladder', { ladder: evil });
    expect(el.shadowRoot!.querySelector('img')).toBeNull();
    expect(text($(el, '.end .addr'))).toBe('<img src=x onerror=alert(1)>:49152');
  });

  it('says what to do when there is no ladder', async () => {
    const el = await mount('tcp-ladder');
    expect(text($(el, '.empty'))).toContain('Select a connection');
  });
});
