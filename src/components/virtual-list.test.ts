// @vitest-environment happy-dom
// The virtual list the ladder and the packet log share: which rows it draws (the overscan rules:
// ten rows around the view, two above it while following a stream), follow-scrolling at the next
// frame, revealing a row, and the keyboard moves.
import { afterEach, describe, expect, it } from 'vitest';
import { LitElement, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { VirtualList, keyMove } from './virtual-list.ts';
import { mount } from './test-helpers.ts';

afterEach(() => document.body.replaceChildren());

@customElement('test-virtual-list')
class TestVirtualList extends LitElement {
  readonly list = new VirtualList(this, { rowVar: '--test-row', rowFallback: 20, fallbackHeight: 200, overscan: 10, streamOverscan: 2 });
  override render() {
    return html`${this.list.probe()}<div class="scroller" style="overflow:auto;height:200px" @scroll=${this.list.onScroll}><div style="height:20000px"></div></div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'test-virtual-list': TestVirtualList;
  }
}

describe('VirtualList', () => {
  it('draws the view and ten rows on each side; two above while following a stream', async () => {
    const el = await mount('test-virtual-list', {});
    const l = el.list;
    l.viewTop = 100 * 20;
    expect(l.rowWindow(1_000)).toEqual({ first: 90, last: 120 });
    l.streaming = true;
    expect(l.rowWindow(1_000)).toEqual({ first: 98, last: 120 });
    // Scrolled up from the bottom: the full overscan again.
    l.atBottom = false;
    expect(l.rowWindow(1_000)).toEqual({ first: 90, last: 120 });
    // Not following at all: the full overscan.
    l.atBottom = true;
    l.follow = false;
    expect(l.rowWindow(1_000)).toEqual({ first: 90, last: 120 });
    // Clipped to the rows there are.
    l.viewTop = 0;
    expect(l.rowWindow(5)).toEqual({ first: 0, last: 5 });
  });

  it('covers the view and the overscan in px, clipped to the content', async () => {
    const el = await mount('test-virtual-list', {});
    const l = el.list;
    l.viewTop = 1_000;
    expect(l.pxWindow(10_000)).toEqual({ top: 800, height: 600 });
    expect(l.pxWindow(1_100)).toEqual({ top: 800, height: 300 });
  });

  it('follows new content to the end at the start of the next frame, not during the update', async () => {
    const el = await mount('test-virtual-list', {});
    const s = el.renderRoot.querySelector<HTMLElement>('.scroller')!;
    el.list.showBottom(5_000);
    expect(el.list.viewTop).toBe(4_800);
    el.list.scrollToEnd(() => 5_000);
    el.list.scrollToEnd(() => 6_000); // one scroll per frame: the first request wins
    expect(s.scrollTop).toBe(0);
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    expect(s.scrollTop).toBe(5_000);
  });

  it('keeps whether the user is at the bottom from the scroll events, and re-renders only for a new top', async () => {
    const el = await mount('test-virtual-list', {});
    const s = el.renderRoot.querySelector<HTMLElement>('.scroller')!;
    Object.defineProperty(s, 'clientHeight', { value: 200 });
    Object.defineProperty(s, 'scrollHeight', { value: 20_000 });
    s.scrollTop = 1_000;
    s.dispatchEvent(new Event('scroll'));
    expect(el.list.atBottom).toBe(false);
    expect(el.list.viewTop).toBe(1_000);
    expect(el.isUpdatePending).toBe(true);
    await el.updateComplete;
    s.dispatchEvent(new Event('scroll'));
    expect(el.isUpdatePending).toBe(false);
    s.scrollTop = 19_800;
    s.dispatchEvent(new Event('scroll'));
    expect(el.list.atBottom).toBe(true);
  });

  it('reveals a row with as little scrolling as needed, or centres it', async () => {
    const el = await mount('test-virtual-list', {});
    const s = el.renderRoot.querySelector<HTMLElement>('.scroller')!;
    Object.defineProperty(s, 'clientHeight', { value: 200 });
    el.list.revealNearest(1_000, 1_020);
    expect(s.scrollTop).toBe(820);
    el.list.revealNearest(500, 520);
    expect(s.scrollTop).toBe(500);
    el.list.revealNearest(520, 540); // in view: stays
    expect(s.scrollTop).toBe(500);
    el.list.revealCentred(3_000, 3_100);
    expect(s.scrollTop).toBe(2_950);
    expect(el.list.viewTop).toBe(2_950);
  });

  it('moves a selection with arrows, Home, End and (where there are pages) PageUp/PageDown, within the rows', () => {
    expect(keyMove('ArrowDown', -1, 10, null)).toBe(0);
    expect(keyMove('ArrowDown', 9, 10, null)).toBe(9);
    expect(keyMove('ArrowUp', -1, 10, null)).toBe(9);
    expect(keyMove('ArrowUp', 0, 10, null)).toBe(0);
    expect(keyMove('Home', 5, 10, null)).toBe(0);
    expect(keyMove('End', 5, 10, null)).toBe(9);
    expect(keyMove('PageDown', 5, 10, null)).toBeUndefined();
    expect(keyMove('PageDown', 5, 100, 8)).toBe(13);
    expect(keyMove('PageUp', 5, 100, 8)).toBe(0);
    expect(keyMove('x', 5, 100, 8)).toBeUndefined();
  });

  it('draws a row-height probe that follows the CSS custom property', async () => {
    const el = await mount('test-virtual-list', {});
    const probe = el.renderRoot.querySelector<HTMLElement>('.row-probe')!;
    expect(probe.getAttribute('style')).toContain('height:var(--test-row, 20px)');
    expect(el.list.rowHeight).toBe(20);
    // The content's height follows the property at once too (its min-height), the px height after the re-render.
    expect(el.list.spacerStyle(400, 20)).toBe('height:400px;min-height:calc(20 * var(--test-row, 20px))');
  });
});
