// Elements that draw in pixels (the graphs) need their own size; a ResizeObserver keeps it.
import { state } from 'lit/decorators.js';
import { TcpElement } from './base.ts';

export class MeasuredElement extends TcpElement {
  /** Drawing size in px; the fallbacks hold until layout (and in tests, which have none). */
  @state() protected boxWidth = 720;
  @state() protected boxHeight = 320;
  private observer: ResizeObserver | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    if (typeof ResizeObserver === 'undefined') return;
    this.observer = new ResizeObserver((entries) => {
      const r = entries[entries.length - 1]?.contentRect;
      if (!r || r.width === 0 || r.height === 0) return;
      // Rounded, so sub-pixel jitter does not re-render the graph in a loop.
      const w = Math.round(r.width);
      const h = Math.round(r.height);
      if (w !== this.boxWidth) this.boxWidth = w;
      if (h !== this.boxHeight) this.boxHeight = h;
    });
    this.observer.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.observer?.disconnect();
    this.observer = null;
  }
}
