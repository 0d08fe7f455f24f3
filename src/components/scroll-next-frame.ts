// Follow-scrolling (the ladder and the log staying on the newest row) without forced layouts.
// Written during an update, a scroll position forces a layout of everything rendered so far in
// that frame (while a transfer streams, the whole page, several times per frame); at the start of
// the next frame the layout is clean and the scroll costs next to nothing.

const pending = new WeakSet<HTMLElement>();

/** Scroll `el` to `top()` at the start of the next frame; several requests in a frame make one scroll. */
export function scrollNextFrame(el: HTMLElement, top: () => number): void {
  if (pending.has(el)) return;
  pending.add(el);
  const run = (): void => {
    pending.delete(el);
    if (el.isConnected) el.scrollTop = top();
  };
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(run);
  else setTimeout(run, 0);
}
