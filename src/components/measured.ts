// Elements that depend on their rendered size keep a ResizeObserver on themselves: the graphs
// (their drawing box) and the virtualized ladder and log (their scroller's height).
import { state } from 'lit/decorators.js';
import { TcpElement } from './base.ts';

/** Calls resized() whenever the element's box changes, while it is connected. */
export abstract class ResizeWatchedElement extends TcpElement {
  private observer: ResizeObserver | null = null;

  protected abstract resized(rect: DOMRectReadOnly): void;

  override connectedCallback(): void {
    super.connectedCallback();
    if (typeof ResizeObserver === 'undefined') return;
    this.observer = new ResizeObserver((entries) => {
      const r = entries[entries.length - 1]?.contentRect;
      if (r) this.resized(r);
    });
    this.observer.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.observer?.disconnect();
    this.observer = null;
  }

  private scrollPending = false;

  /**
   * Scroll `el` to `top()` at the start of the next frame. Written during an update, a scroll
   * position forces a layout of everything rendered so far in that frame (while a transfer
   * streams, the whole page, several times per frame); at the start of the next one the layout
   * is clean and the scroll costs next to nothing. Several requests in a frame make one scroll.
   */
  protected scrollNextFrame(el: HTMLElement, top: () => number): void {
    if (this.scrollPending) return;
    this.scrollPending = true;
    const run = (): void => {
      this.scrollPending = false;
      if (el.isConnected) el.scrollTop = top();
    };
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(run);
    else setTimeout(run, 0);
  }
}

export class MeasuredElement extends ResizeWatchedElement {
  /** Drawing size in px; the fallbacks hold until layout (and in tests, which have none). */
  @state() protected boxWidth = 720;
  @state() protected boxHeight = 320;

  protected override resized(r: DOMRectReadOnly): void {
    if (r.width === 0 || r.height === 0) return;
    // Rounded, so sub-pixel jitter does not re-render the graph in a loop.
    const w = Math.round(r.width);
    const h = Math.round(r.height);
    if (w !== this.boxWidth) this.boxWidth = w;
    if (h !== this.boxHeight) this.boxHeight = h;
  }
}
