// A virtualized, follow-scrolling list of fixed-height rows, as a Lit controller: the ladder and
// the packet log use it. It keeps the scroller's view (top, height, width), whether the user is at
// the bottom, the row height (from a CSS custom property, so presentation mode changes it without
// any property on the element), the rows to draw around the view, follow-scrolling without
// forced layouts, revealing a row, and keyboard moves.
import { html } from 'lit';
import type { ReactiveController, ReactiveControllerHost, TemplateResult } from 'lit';
import { ResizeController } from './box-size.ts';

export interface VirtualListOptions {
  /** The CSS custom property that gives the row height (px), and its value before any layout. */
  rowVar: string;
  rowFallback: number;
  /** The view's size before layout (tests, a hidden tab). */
  fallbackHeight: number;
  fallbackWidth?: number;
  /** Rows drawn beyond the view on each side, so a fast scroll shows no gap. */
  overscan: number;
  /**
   * Rows kept above the view while it follows a stream of new rows (`streaming`): each intake then
   * replaces every row drawn, and each row costs its text's layout and paint in a frame that shares
   * the CPU with the transfer. Scrolling up draws the full overscan again from the first scroll event.
   */
  streamOverscan?: number;
}

/** The keyboard moves of a list: the index to select next, or undefined for other keys. */
export function keyMove(key: string, current: number, count: number, pageRows: number | null): number | undefined {
  const moves: Record<string, number> = {
    ArrowDown: current + 1,
    ArrowUp: current < 0 ? count - 1 : current - 1,
    Home: 0,
    End: count - 1,
  };
  if (pageRows !== null) {
    moves['PageDown'] = current + pageRows;
    moves['PageUp'] = current - pageRows;
  }
  const next = moves[key];
  return next === undefined ? undefined : Math.max(0, Math.min(count - 1, next));
}

/** A Lit element: the list finds its scroller and row probe in its render root. */
type ListHost = ReactiveControllerHost & HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment };

export class VirtualList implements ReactiveController {
  viewTop = 0;
  viewHeight: number;
  width: number;
  rowHeight: number;
  /** The user is scrolled to the newest row (kept by onScroll: reading it later would force a layout). */
  atBottom = true;
  /** Stay scrolled to the newest row while already at the bottom. */
  follow = true;
  /** Rows arrive faster than anyone reads them (a bulk transfer): draw little above the view. */
  streaming = false;
  private scrollPending = false;
  private probeObserver: ResizeObserver | null = null;
  private probed: Element | null = null;

  constructor(
    private readonly host: ListHost,
    private readonly options: VirtualListOptions,
  ) {
    this.viewHeight = options.fallbackHeight;
    this.width = options.fallbackWidth ?? 0;
    this.rowHeight = options.rowFallback;
    host.addController(this);
    new ResizeController(host, () => this.measure());
  }

  hostConnected(): void {}

  hostUpdated(): void {
    this.watchProbe();
    if (this.viewHeight === this.options.fallbackHeight || (this.options.fallbackWidth !== undefined && this.width === this.options.fallbackWidth)) this.measure();
  }

  hostDisconnected(): void {
    this.probeObserver?.disconnect();
    this.probeObserver = null;
    this.probed = null;
  }

  /** The scroller: the element the host renders with class "scroller". */
  get scroller(): HTMLElement | null {
    return this.host.renderRoot?.querySelector?.<HTMLElement>('.scroller') ?? null;
  }

  /**
   * An invisible element as tall as one row; its size follows the row-height property, and a
   * ResizeObserver on it re-renders the list when presentation mode changes that.
   */
  probe(): TemplateResult {
    return html`<div class="row-probe" aria-hidden="true" style="position:absolute;width:0;overflow:hidden;visibility:hidden;pointer-events:none;height:var(${this.options.rowVar}, ${this.options.rowFallback}px)"></div>`;
  }

  /**
   * The spacer's style for content `px` tall, `rows` rows of the current height. Its min-height
   * follows the row-height property at once: when presentation mode makes rows taller, the layout
   * before the re-render (when the probe reports the new height) must not find the content shorter
   * than the scroll position and clamp it.
   */
  spacerStyle(px: number, rows: number): string {
    return `height:${px}px;min-height:calc(${rows} * var(${this.options.rowVar}, ${this.options.rowFallback}px))`;
  }

  onScroll = (): void => {
    const s = this.scroller;
    if (!s) return;
    this.atBottom = s.scrollTop + s.clientHeight >= s.scrollHeight - this.rowHeight;
    this.setTop(s.scrollTop);
  };

  /** Whether new rows should move the view to the bottom (following, and the user is there). */
  get following(): boolean {
    return this.follow && this.atBottom;
  }

  /** The rows [first, last) to draw of `count` rows, with the overscan rules. */
  rowWindow(count: number): { first: number; last: number } {
    const rh = this.rowHeight;
    const above = this.streaming && this.following ? (this.options.streamOverscan ?? this.options.overscan) : this.options.overscan;
    const first = Math.max(0, Math.floor(this.viewTop / rh) - above);
    const last = Math.min(count, Math.ceil((this.viewTop + this.viewHeight) / rh) + this.options.overscan);
    return { first, last };
  }

  /** The px span [top, top + height) to draw of content `total` px tall, with the overscan. */
  pxWindow(total: number): { top: number; height: number } {
    const over = this.options.overscan * this.rowHeight;
    const top = Math.max(0, this.viewTop - over);
    return { top, height: Math.min(total, this.viewTop + this.viewHeight + over) - top };
  }

  /**
   * New content while following (call from willUpdate): draw the bottom window now, so that the
   * scroll next frame lands there and its scroll event changes nothing and draws nothing.
   */
  showBottom(contentHeight: number): void {
    this.viewTop = Math.max(0, contentHeight - this.viewHeight);
  }

  /**
   * Follow new content (call from updated): scroll to `contentHeight()` at the start of the next
   * frame. Written during an update, a scroll position forces a layout of everything rendered so
   * far in that frame (while a transfer streams, the whole page, several times per frame); at the
   * start of the next one the layout is clean and the scroll costs next to nothing. Rows have a
   * fixed height, so the content's height is known without reading scrollHeight (a layout).
   * Several requests in a frame make one scroll.
   */
  scrollToEnd(contentHeight: () => number): void {
    const el = this.scroller;
    if (!el || this.scrollPending) return;
    this.scrollPending = true;
    const run = (): void => {
      this.scrollPending = false;
      if (el.isConnected) el.scrollTop = contentHeight();
    };
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(run);
    else setTimeout(run, 0);
  }

  /** Scroll as little as needed to show [top, bottom). */
  revealNearest(top: number, bottom: number): void {
    const s = this.scroller;
    if (!s) return;
    const height = s.clientHeight || this.viewHeight;
    if (top < s.scrollTop) s.scrollTop = top;
    else if (bottom > s.scrollTop + height) s.scrollTop = bottom - height;
    this.setTop(s.scrollTop);
  }

  /** If [top, bottom) is not all in view, centre it. */
  revealCentred(top: number, bottom: number): void {
    const s = this.scroller;
    if (!s) return;
    const height = s.clientHeight || this.viewHeight;
    if (top < s.scrollTop || bottom > s.scrollTop + height) {
      s.scrollTop = Math.max(0, (top + bottom) / 2 - height / 2);
      this.setTop(s.scrollTop);
    }
  }

  /** Rows in a page (PageUp/PageDown). */
  get pageRows(): number {
    return Math.max(1, Math.floor(this.viewHeight / this.rowHeight) - 1);
  }

  /** A new view top re-renders the host; the same one draws nothing new. */
  private setTop(top: number): void {
    if (top === this.viewTop) return;
    this.viewTop = top;
    this.host.requestUpdate();
  }

  private measure(): void {
    const s = this.scroller;
    if (!s) return;
    let changed = false;
    if (this.options.fallbackWidth !== undefined && s.clientWidth > 0 && s.clientWidth !== this.width) {
      this.width = s.clientWidth;
      changed = true;
    }
    if (s.clientHeight > 0 && s.clientHeight !== this.viewHeight) {
      this.viewHeight = s.clientHeight;
      changed = true;
    }
    if (changed) this.host.requestUpdate();
  }

  private watchProbe(): void {
    const el = this.host.renderRoot?.querySelector?.('.row-probe') ?? null;
    if (el === this.probed) return;
    this.probeObserver?.disconnect();
    this.probed = el;
    if (!el || typeof ResizeObserver === 'undefined') return;
    this.probeObserver = new ResizeObserver((entries) => {
      const h = Math.round(entries[entries.length - 1]?.contentRect.height ?? 0);
      if (h > 0 && h !== this.rowHeight) {
        this.rowHeight = h;
        this.host.requestUpdate();
      }
    });
    this.probeObserver.observe(el);
  }
}
