// Arrowheads drawn as triangles rather than SVG markers: markers cannot take the colour of the
// line they end (context-stroke is not everywhere) and their url(#id) references are fragile
// inside shadow roots.

/** Points of a triangle with its tip at (x2, y2), pointing along (x1, y1) → (x2, y2). */
export function arrowHead(x1: number, y1: number, x2: number, y2: number, size = 12): string {
  const len = Math.hypot(x2 - x1, y2 - y1) || 1;
  const ux = (x2 - x1) / len;
  const uy = (y2 - y1) / len;
  const bx = x2 - ux * size;
  const by = y2 - uy * size;
  const half = size * 0.45;
  return `${x2},${y2} ${bx - uy * half},${by + ux * half} ${bx + uy * half},${by - ux * half}`;
}

/** Two short strokes crossing at (x, y): a dropped packet. */
export function crossPath(x: number, y: number, r = 7): string {
  return `M ${x - r} ${y - r} L ${x + r} ${y + r} M ${x - r} ${y + r} L ${x + r} ${y - r}`;
}
