/* global performance */
// The offline base map: vector tiles from the gateway (/api/map/basemap/z/x/y,
// made from OpenStreetMap data) drawn on a canvas of their own under the
// routes and containers. Parks, water, waterways, buildings, then streets
// by class with a casing; street names along their longest straight piece
// at close zoom. Tiles are fetched once and kept; the canvas is redrawn at
// most once per animation frame after a move or a tile's arrival.
import { CanvasLayer, TILE } from './canvas-layer.js';

const LAYERS = ['park', 'water', 'waterway', 'building', 'street'];
const LABEL_FROM_ZOOM = 16;
const MAX_TILES = 600;

/** Street width in pixels at zoom 16, by rank (0 motorway ... 6 path), and colours. */
const STREET = [
  { width: 9, fill: '#f6c28b', casing: '#d39a5d' },
  { width: 8, fill: '#fcd6a4', casing: '#d9a86f' },
  { width: 7, fill: '#f9e3a9', casing: '#cdb57a' },
  { width: 6, fill: '#ffffff', casing: '#c6bdb2' },
  { width: 5, fill: '#ffffff', casing: '#cfc7bd' },
  { width: 3, fill: '#ffffff', casing: '#d8d1c8' },
  { width: 1.4, fill: '#e8a9a0', casing: null },
];

function streetRank(kind) {
  const k = kind.replace(/_link$/, '');
  if (k === 'motorway' || k === 'trunk') return 0;
  if (k === 'primary') return 1;
  if (k === 'secondary') return 2;
  if (k === 'tertiary') return 3;
  if (k === 'residential' || k === 'unclassified' || k === 'living_street' || k === 'road') return 4;
  if (k === 'service' || k === 'busway') return 5;
  return 6;
}

export function bandFor(zoom) {
  if (zoom < 11.5) return 10;
  if (zoom < 13.5) return 12;
  if (zoom < 15.5) return 14;
  return 16;
}

export class BasemapLayer extends CanvasLayer {
  constructor(map, api, { attribution = '', enabled = true } = {}) {
    super(map, { className: 'basemap-layer', zIndex: 300 });
    this.api = api;
    this.attribution = attribution;
    this.enabled = enabled;
    this.tiles = new Map();
    this.pending = new Set();
    this.stats = { frames: 0, lastDrawMs: 0, recentDrawMs: [], labels: [], tilesLoaded: 0 };
    this.schedule();
  }

  setEnabled(enabled) {
    this.enabled = enabled;
    this.schedule();
  }

  /** Tiles of the band that cover the view, as [z, x, y]. */
  visibleTiles() {
    const zoom = this.map.getZoom();
    const band = bandFor(zoom);
    const bounds = this.map.getPixelBounds();
    const k = 2 ** (band - zoom) / TILE;
    const max = 2 ** band - 1;
    const x0 = Math.max(0, Math.floor(bounds.min.x * k));
    const y0 = Math.max(0, Math.floor(bounds.min.y * k));
    const x1 = Math.min(max, Math.floor(bounds.max.x * k));
    const y1 = Math.min(max, Math.floor(bounds.max.y * k));
    const list = [];
    for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) list.push([band, x, y]);
    return list;
  }

  fetchTile(z, x, y) {
    const key = `${z}/${x}/${y}`;
    if (this.tiles.has(key) || this.pending.has(key)) return;
    this.pending.add(key);
    this.api
      .get(`/api/map/basemap/${z}/${x}/${y}`)
      .then((tile) => {
        if (this.tiles.size >= MAX_TILES) this.tiles.clear();
        this.tiles.set(key, tile);
        this.stats.tilesLoaded++;
        this.schedule();
      })
      .catch(() => this.tiles.set(key, { extent: 4096, features: [] }))
      .finally(() => this.pending.delete(key));
  }

  /** True when every tile of the view is here (for tests and screenshots). */
  get complete() {
    return this.visibleTiles().every(([z, x, y]) => this.tiles.has(`${z}/${x}/${y}`));
  }

  draw(ctx, { size, zoom, origin }) {
    const started = performance.now();
    this.stats.labels = [];
    if (!this.enabled) return;
    ctx.fillStyle = '#f2efe9';
    ctx.fillRect(0, 0, size.x, size.y);

    const visible = [];
    for (const [z, x, y] of this.visibleTiles()) {
      const tile = this.tiles.get(`${z}/${x}/${y}`);
      if (!tile) {
        this.fetchTile(z, x, y);
        continue;
      }
      const scale = 2 ** (zoom - z);
      // Tile units to screen: sx = (x * 256 + u / (extent / 256)) * scale - origin.
      visible.push({ tile, k: (scale * TILE) / tile.extent, ox: x * TILE * scale - origin.x, oy: y * TILE * scale - origin.y });
    }
    // A feature that spans tiles comes whole with each of them: draw it once, from the first.
    const seen = new Set();
    const unique = [];
    for (const v of visible) {
      for (const f of v.tile.features) {
        if (seen.has(f[3])) continue;
        seen.add(f[3]);
        unique.push([f, v]);
      }
    }
    const widthScale = 2 ** (zoom - 16);
    const path = (feature, k, ox, oy, close) => {
      for (const part of feature[4]) {
        ctx.moveTo(part[0] * k + ox, part[1] * k + oy);
        for (let i = 2; i < part.length; i += 2) ctx.lineTo(part[i] * k + ox, part[i + 1] * k + oy);
        if (close) ctx.closePath();
      }
    };
    // One path per polygon: Chromium fills thousands of small paths far faster than one path of thousands of rings.
    const fillLayer = (layerIndex, fill) => {
      ctx.fillStyle = fill;
      for (const [f, v] of unique) {
        if (f[0] !== layerIndex) continue;
        ctx.beginPath();
        path(f, v.k, v.ox, v.oy, true);
        ctx.fill('evenodd');
      }
    };
    fillLayer(LAYERS.indexOf('park'), '#cdebb0');
    fillLayer(LAYERS.indexOf('water'), '#aad3df');
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    for (const [f, v] of unique) if (f[0] === LAYERS.indexOf('waterway')) path(f, v.k, v.ox, v.oy, false);
    ctx.strokeStyle = '#aad3df';
    ctx.lineWidth = Math.max(1, Math.min(18, 8 * widthScale));
    ctx.stroke();
    if (zoom >= 15) fillLayer(LAYERS.indexOf('building'), '#d9d0c6');

    // Streets: casings of every rank first, then fills, minor to major so main roads stay on top.
    const streetLayer = LAYERS.indexOf('street');
    const byRank = STREET.map(() => []);
    for (const [f, v] of unique) if (f[0] === streetLayer) byRank[streetRank(f[1])].push([f, v]);
    const widthOf = (rank) => Math.max(rank === 6 ? 0.8 : 1, Math.min(26, STREET[rank].width * widthScale));
    for (let rank = STREET.length - 1; rank >= 0; rank--) {
      const style = STREET[rank];
      if (!style.casing || byRank[rank].length === 0 || zoom < 13) continue;
      ctx.beginPath();
      for (const [f, v] of byRank[rank]) path(f, v.k, v.ox, v.oy, false);
      ctx.strokeStyle = style.casing;
      ctx.lineWidth = widthOf(rank) + 1.6;
      ctx.stroke();
    }
    for (let rank = STREET.length - 1; rank >= 0; rank--) {
      if (byRank[rank].length === 0) continue;
      ctx.beginPath();
      for (const [f, v] of byRank[rank]) path(f, v.k, v.ox, v.oy, false);
      ctx.strokeStyle = zoom < 13 ? '#b9b2a8' : STREET[rank].fill;
      ctx.lineWidth = widthOf(rank);
      ctx.stroke();
    }
    if (zoom >= LABEL_FROM_ZOOM) this.drawLabels(ctx, byRank, size);

    this.stats.frames++;
    this.stats.lastDrawMs = performance.now() - started;
    this.stats.recentDrawMs.push(this.stats.lastDrawMs);
    if (this.stats.recentDrawMs.length > 2000) this.stats.recentDrawMs.splice(0, 1000);
  }

  /** Each named street once, along its longest straight piece on screen, where the name fits and meets no other label. */
  drawLabels(ctx, byRank, size) {
    ctx.font = '600 11px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    const placed = [];
    const seen = new Set();
    const named = new Map();
    for (let rank = 0; rank < byRank.length; rank++) {
      for (const [f, v] of byRank[rank]) {
        if (!f[2] || seen.has(f[3])) continue;
        seen.add(f[3]);
        let best = null;
        for (const part of f[4]) {
          for (let i = 2; i < part.length; i += 2) {
            const ax = part[i - 2] * v.k + v.ox;
            const ay = part[i - 1] * v.k + v.oy;
            const bx = part[i] * v.k + v.ox;
            const by = part[i + 1] * v.k + v.oy;
            const length = Math.hypot(bx - ax, by - ay);
            const mx = (ax + bx) / 2;
            const my = (ay + by) / 2;
            if (mx < 0 || my < 0 || mx > size.x || my > size.y) continue;
            if (!best || length > best.length) best = { ax, ay, bx, by, length, mx, my };
          }
        }
        if (!best) continue;
        const text = f[2];
        const width = ctx.measureText(text).width;
        if (best.length < width + 8) continue;
        // One label per name within 250 px: a street cut into pieces is named once in view.
        const others = named.get(text) ?? [];
        if (others.some((p) => Math.hypot(p.x - best.mx, p.y - best.my) < 250)) continue;
        const half = width / 2 + 3;
        const box = { x0: best.mx - half, y0: best.my - half, x1: best.mx + half, y1: best.my + half };
        if (placed.some((b) => b.x0 < box.x1 && box.x0 < b.x1 && b.y0 < box.y1 && box.y0 < b.y1)) continue;
        placed.push(box);
        others.push({ x: best.mx, y: best.my });
        named.set(text, others);
        let angle = Math.atan2(best.by - best.ay, best.bx - best.ax);
        if (angle > Math.PI / 2) angle -= Math.PI;
        if (angle < -Math.PI / 2) angle += Math.PI;
        ctx.save();
        ctx.translate(best.mx, best.my);
        ctx.rotate(angle);
        ctx.lineWidth = 3;
        ctx.strokeStyle = 'rgba(255,255,255,0.95)';
        ctx.strokeText(text, 0, 0);
        ctx.fillStyle = '#3d3a35';
        ctx.fillText(text, 0, 0);
        ctx.restore();
        this.stats.labels.push({ text, x: best.mx, y: best.my });
      }
    }
  }
}
