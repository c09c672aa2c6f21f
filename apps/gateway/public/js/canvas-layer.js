/* global document, window, requestAnimationFrame */
// What every canvas layer of the map shares: its own canvas over the map at a
// z-index, redrawn at most once per animation frame after a move, zoom or
// resize, sized to the map in device pixels, and Web Mercator "world pixels"
// (zoom 0, 256 px wide) so a layer projects its points once and only scales them.

export const TILE = 256;

/** Longitude to world x at zoom 0. */
export function worldX(lng) {
  return ((lng + 180) / 360) * TILE;
}

/** Latitude to world y at zoom 0 (clamped where Mercator ends). */
export function worldY(lat) {
  const s = Math.sin((Math.max(-85.05, Math.min(85.05, lat)) * Math.PI) / 180);
  return (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * TILE;
}

export class CanvasLayer {
  /** Subclasses implement draw(ctx, view); `view` is { size, zoom, scale, origin, sx(x), sy(y) }. */
  constructor(map, { className, zIndex }) {
    this.map = map;
    this.canvas = document.createElement('canvas');
    if (className) this.canvas.className = className;
    Object.assign(this.canvas.style, { position: 'absolute', left: '0', top: '0', zIndex: String(zIndex), pointerEvents: 'none' });
    map.getContainer().appendChild(this.canvas);
    this.scheduled = false;
    map.on('move zoom viewreset resize', () => this.schedule());
  }

  schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.redraw();
    });
  }

  /** Fits the canvas to the map, clears it and hands the subclass a context in CSS pixels with the view. */
  redraw() {
    const size = this.map.getSize();
    const ratio = window.devicePixelRatio || 1;
    if (this.canvas.width !== Math.round(size.x * ratio) || this.canvas.height !== Math.round(size.y * ratio)) {
      this.canvas.width = Math.round(size.x * ratio);
      this.canvas.height = Math.round(size.y * ratio);
      this.canvas.style.width = `${size.x}px`;
      this.canvas.style.height = `${size.y}px`;
    }
    const ctx = this.canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, size.x, size.y);
    const zoom = this.map.getZoom();
    const scale = 2 ** zoom;
    const origin = this.map.getPixelBounds().min;
    this.draw(ctx, { size, zoom, scale, origin, sx: (x) => x * scale - origin.x, sy: (y) => y * scale - origin.y });
  }

  draw() {
    throw new Error(`${this.constructor.name} must implement draw(ctx, view)`);
  }
}
