// Pan and zoom as plain numbers: screen = k · diagram + (x, y). The DOM code applies the result as one
// transform; the arithmetic lives here, where it is tested.

export interface View {
  x: number;
  y: number;
  k: number;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const MIN_SCALE = 0.05;
export const MAX_SCALE = 8;

function clampScale(k: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, k));
}

/** Zooms by a factor around a screen point, which stays where it is. */
export function zoomAt(view: View, factor: number, px: number, py: number): View {
  const k = clampScale(view.k * factor);
  const ratio = k / view.k;
  return { k, x: px - (px - view.x) * ratio, y: py - (py - view.y) * ratio };
}

export function panBy(view: View, dx: number, dy: number): View {
  return { ...view, x: view.x + dx, y: view.y + dy };
}

/** The view that shows all of the content, centred, never enlarged past 1:1. */
export function fitView(content: Box, viewport: { width: number; height: number }, margin = 24): View {
  const width = Math.max(1, viewport.width - 2 * margin);
  const height = Math.max(1, viewport.height - 2 * margin);
  const k = clampScale(Math.min(1, width / Math.max(1, content.width), height / Math.max(1, content.height)));
  return {
    k,
    x: (viewport.width - content.width * k) / 2 - content.x * k,
    y: (viewport.height - content.height * k) / 2 - content.y * k,
  };
}

/** Moves the view so that a box is in the middle, keeping the zoom. */
export function centerOn(view: View, target: Box, viewport: { width: number; height: number }): View {
  return {
    k: view.k,
    x: viewport.width / 2 - (target.x + target.width / 2) * view.k,
    y: viewport.height / 2 - (target.y + target.height / 2) * view.k,
  };
}

/** Screen point → diagram point. */
export function toDiagram(view: View, px: number, py: number): { x: number; y: number } {
  return { x: (px - view.x) / view.k, y: (py - view.y) / view.k };
}
