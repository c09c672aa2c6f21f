/* global L, window, document, requestAnimationFrame, performance */
// Every container on one canvas above the map: coloured by fill, grouped into
// grid clusters when zoomed out. Changes only mark the layer dirty; it redraws
// at most once per animation frame, however many updates arrive.
import { fillColor } from './colors.js';

const CELL_PX = 44;
/** Containers closer than this on screen are treated as one site and spread apart. */
const SITE_PX = 8;

export class ContainerLayer {
  constructor(map, store, { clusterBelowZoom = 16, onSelect = () => {} } = {}) {
    this.map = map;
    this.store = store;
    this.clusterBelowZoom = clusterBelowZoom;
    this.onSelect = onSelect;
    this.selectedId = null;
    this.dirty = true;
    this.projectedZoom = null;
    this.projected = new Map();
    this.drawn = [];
    this.stats = { frames: 0, lastDrawMs: 0, drawnItems: 0, recentDrawMs: [] };

    this.canvas = document.createElement('canvas');
    this.canvas.className = 'container-layer';
    Object.assign(this.canvas.style, { position: 'absolute', left: '0', top: '0', zIndex: '450', pointerEvents: 'none' });
    map.getContainer().appendChild(this.canvas);
    this.resize();

    map.on('move zoom viewreset', () => this.invalidate());
    map.on('resize', () => {
      this.resize();
      this.invalidate();
    });
    map.on('click', (event) => this.hit(event.containerPoint));
    const loop = () => {
      if (this.dirty) this.draw();
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  }

  invalidate() {
    this.dirty = true;
  }

  /** A container moved or appeared: its projected position is recomputed. */
  forget(id) {
    this.projected.delete(id);
    this.invalidate();
  }

  select(id) {
    this.selectedId = id;
    this.invalidate();
  }

  resize() {
    const size = this.map.getSize();
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(size.x * ratio);
    this.canvas.height = Math.round(size.y * ratio);
    this.canvas.style.width = `${size.x}px`;
    this.canvas.style.height = `${size.y}px`;
    this.ratio = ratio;
  }

  /** Screen position of a container (CSS pixels inside the map), or null. */
  pointOf(id) {
    const c = this.store.get(id);
    if (!c) return null;
    const drawn = this.positions?.get(id);
    if (drawn && !this.dirty) return { x: drawn.x, y: drawn.y };
    const p = this.map.latLngToContainerPoint([c.lat, c.lng]);
    return { x: p.x, y: p.y };
  }

  projectedOf(c, zoom) {
    if (this.projectedZoom !== zoom) {
      this.projected.clear();
      this.projectedZoom = zoom;
    }
    let p = this.projected.get(c.id);
    if (!p) {
      p = this.map.project([c.lat, c.lng], zoom);
      this.projected.set(c.id, p);
    }
    return p;
  }

  draw() {
    const started = performance.now();
    this.dirty = false;
    const ctx = this.canvas.getContext('2d');
    ctx.setTransform(this.ratio, 0, 0, this.ratio, 0, 0);
    const size = this.map.getSize();
    ctx.clearRect(0, 0, size.x, size.y);
    const zoom = this.map.getZoom();
    const origin = this.map.getPixelBounds().min;
    const drawn = [];
    const cluster = zoom < this.clusterBelowZoom;
    const cells = new Map();
    for (const c of this.store.values()) {
      const p = this.projectedOf(c, zoom);
      const x = p.x - origin.x;
      const y = p.y - origin.y;
      if (x < -CELL_PX || y < -CELL_PX || x > size.x + CELL_PX || y > size.y + CELL_PX) continue;
      if (!cluster) {
        drawn.push({ kind: 'container', id: c.id, x, y, r: 6, color: fillColor(c.fillPct), fill: c.fillPct ?? -1 });
        continue;
      }
      const key = `${Math.floor((p.x) / CELL_PX)}:${Math.floor((p.y) / CELL_PX)}`;
      let cell = cells.get(key);
      if (!cell) cells.set(key, (cell = { sx: 0, sy: 0, n: 0, maxFill: null, ids: [] }));
      cell.sx += x;
      cell.sy += y;
      cell.n++;
      cell.ids.push(c.id);
      if (c.fillPct !== null && c.fillPct !== undefined && (cell.maxFill === null || c.fillPct > cell.maxFill)) cell.maxFill = c.fillPct;
    }
    if (!cluster) spreadSharedSites(drawn);
    for (const cell of cells.values()) {
      if (cell.n === 1) {
        const c = this.store.get(cell.ids[0]);
        drawn.push({ kind: 'container', id: c.id, x: cell.sx, y: cell.sy, r: 5, color: fillColor(c.fillPct), fill: c.fillPct ?? -1 });
      } else {
        drawn.push({ kind: 'cluster', ids: cell.ids, x: cell.sx / cell.n, y: cell.sy / cell.n, r: Math.min(22, 9 + Math.log2(cell.n) * 2.2), color: fillColor(cell.maxFill), n: cell.n, fill: cell.maxFill ?? -1 });
      }
    }
    // Fuller containers paint over emptier ones, the selected one over all.
    drawn.sort((a, b) => (a.id === this.selectedId) - (b.id === this.selectedId) || (a.fill ?? 0) - (b.fill ?? 0));
    this.positions = new Map();
    for (const item of drawn) {
      if (item.kind === 'container') this.positions.set(item.id, item);
      ctx.beginPath();
      ctx.arc(item.x, item.y, item.r, 0, Math.PI * 2);
      ctx.fillStyle = item.color;
      ctx.globalAlpha = item.kind === 'cluster' ? 0.85 : 1;
      ctx.fill();
      ctx.globalAlpha = 1;
      ctx.lineWidth = item.kind === 'container' && item.id === this.selectedId ? 3 : 1;
      ctx.strokeStyle = item.kind === 'container' && item.id === this.selectedId ? '#000' : 'rgba(255,255,255,.9)';
      ctx.stroke();
      if (item.kind === 'cluster') {
        ctx.fillStyle = '#fff';
        ctx.font = 'bold 11px system-ui, sans-serif';
        ctx.textAlign = 'center';
        ctx.textBaseline = 'middle';
        ctx.fillText(item.n > 999 ? `${Math.round(item.n / 100) / 10}k` : String(item.n), item.x, item.y);
      }
    }
    this.drawn = drawn;
    this.stats.frames++;
    this.stats.drawnItems = drawn.length;
    this.stats.lastDrawMs = performance.now() - started;
    this.stats.recentDrawMs.push(this.stats.lastDrawMs);
    if (this.stats.recentDrawMs.length > 2000) this.stats.recentDrawMs.splice(0, 1000);
  }

  hit(point) {
    let best = null;
    let bestDistance = Infinity;
    for (const item of this.drawn) {
      const d = Math.hypot(item.x - point.x, item.y - point.y);
      if (d <= item.r + 4 && d < bestDistance) {
        best = item;
        bestDistance = d;
      }
    }
    if (!best) return;
    if (best.kind === 'cluster') {
      const bounds = L.latLngBounds(best.ids.map((id) => {
        const c = this.store.get(id);
        return [c.lat, c.lng];
      }));
      this.map.fitBounds(bounds.pad(0.2), { maxZoom: this.clusterBelowZoom + 1 });
    } else {
      this.onSelect(best.id);
    }
  }
}

/** Containers standing at one site would hide each other: put them on a small ring around the site. */
function spreadSharedSites(items) {
  const sites = new Map();
  for (const item of items) {
    const key = `${Math.round(item.x / SITE_PX)}:${Math.round(item.y / SITE_PX)}`;
    const list = sites.get(key);
    if (list) list.push(item);
    else sites.set(key, [item]);
  }
  for (const list of sites.values()) {
    if (list.length < 2) continue;
    list.sort((a, b) => (a.id < b.id ? -1 : 1));
    list.forEach((item, i) => {
      const angle = (2 * Math.PI * i) / list.length - Math.PI / 2;
      item.x += Math.cos(angle) * 9;
      item.y += Math.sin(angle) * 9;
    });
  }
}
