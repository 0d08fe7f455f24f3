// Elements that depend on their rendered size keep a ResizeObserver on themselves: the graphs
// (their drawing box) and the virtualized ladder and log (their scroller's height).
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Calls `resized` whenever the host's box changes, while it is connected. */
export class ResizeController implements ReactiveController {
  private observer: ResizeObserver | null = null;

  constructor(
    private readonly host: ReactiveControllerHost & Element,
    private readonly resized: (rect: DOMRectReadOnly) => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    if (typeof ResizeObserver === 'undefined') return;
    this.observer = new ResizeObserver((entries) => {
      const r = entries[entries.length - 1]?.contentRect;
      if (r) this.resized(r);
    });
    this.observer.observe(this.host);
  }

  hostDisconnected(): void {
    this.observer?.disconnect();
    this.observer = null;
  }
}

/** The host's drawing size in px, re-rendering it when the size changes (the graphs). */
export class BoxSize implements ReactiveController {
  /** The fallbacks hold until layout (and in tests, which have none). */
  width = 720;
  height = 320;

  constructor(private readonly host: ReactiveControllerHost & Element) {
    host.addController(this);
    new ResizeController(host, (r) => this.resized(r));
  }

  hostConnected(): void {}

  private resized(r: DOMRectReadOnly): void {
    if (r.width === 0 || r.height === 0) return;
    // Rounded, so sub-pixel jitter does not re-render the graph in a loop.
    const w = Math.round(r.width);
    const h = Math.round(r.height);
    if (w === this.width && h === this.height) return;
    this.width = w;
    this.height = h;
    this.host.requestUpdate();
  }
}
