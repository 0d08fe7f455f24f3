// Drag across a graph to zoom into that time span; double-click or Escape to zoom out.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Scale } from '../model/scale.ts';

/** Drags shorter than this are clicks (on a segment, say), not zooms. */
const MIN_DRAG_PX = 6;

export class TimeZoom implements ReactiveController {
  /** The zoomed time span, or null for everything. */
  range: [number, number] | null = null;
  /** The span being dragged out, in px, while the pointer is down. */
  drag: { from: number; to: number } | null = null;
  private scale: Scale | null = null;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** The graph's current x scale, to turn pixels into times. */
  use(scale: Scale): void {
    this.scale = scale;
  }

  /** The time domain to draw: the zoomed span, clipped to the data's. */
  domain(full: [number, number]): [number, number] {
    if (!this.range) return full;
    return [Math.max(full[0], this.range[0]), Math.min(full[1], this.range[1])];
  }

  readonly down = (e: PointerEvent): void => {
    if (e.button !== 0 || !this.scale) return;
    const x = this.local(e);
    const [r0, r1] = this.scale.range;
    if (x < Math.min(r0, r1) || x > Math.max(r0, r1)) return;
    this.drag = { from: x, to: x };
    this.host.requestUpdate();
  };

  readonly move = (e: PointerEvent): void => {
    if (!this.drag || !this.scale) return;
    const [r0, r1] = this.scale.range;
    this.drag = { ...this.drag, to: Math.max(Math.min(r0, r1), Math.min(Math.max(r0, r1), this.local(e))) };
    this.host.requestUpdate();
  };

  readonly up = (): void => {
    const d = this.drag;
    this.drag = null;
    if (d && this.scale && Math.abs(d.to - d.from) >= MIN_DRAG_PX) {
      const a = this.scale.invert(Math.min(d.from, d.to));
      const b = this.scale.invert(Math.max(d.from, d.to));
      this.range = [a, b];
    }
    this.host.requestUpdate();
  };

  readonly reset = (): void => {
    this.range = null;
    this.drag = null;
    this.host.requestUpdate();
  };

  readonly key = (e: KeyboardEvent): void => {
    if (e.key === 'Escape' && this.range) {
      e.preventDefault();
      this.reset();
    }
  };

  private local(e: PointerEvent): number {
    const svg = e.currentTarget as Element;
    return e.clientX - svg.getBoundingClientRect().left;
  }
}
