// The road network under the map on a canvas of its own: lines kept in
// world pixels at zoom 0, culled to the view, minor roads left out when
// zoomed out, redrawn at most once per animation frame after a move.
// (As Leaflet vectors, a city's tens of thousands of streets made every pan crawl.)
import { CanvasLayer, worldX, worldY } from './canvas-layer.js';

const MAJOR = /^(motorway|trunk|primary|secondary|tertiary)/;

export class RoadLayer extends CanvasLayer {
  constructor(map, geojson, { minorFromZoom = 14 } = {}) {
    super(map, { className: 'road-layer', zIndex: 350 });
    this.minorFromZoom = minorFromZoom;
    this.lines = [];
    for (const feature of geojson.features ?? []) {
      const g = feature.geometry;
      if (!g) continue;
      const major = MAJOR.test(feature.properties?.highway ?? '');
      const parts = g.type === 'MultiLineString' ? g.coordinates : g.type === 'LineString' ? [g.coordinates] : [];
      for (const part of parts) {
        const xy = new Float64Array(part.length * 2);
        let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
        part.forEach(([lng, lat], i) => {
          const x = worldX(lng);
          const y = worldY(lat);
          xy[2 * i] = x;
          xy[2 * i + 1] = y;
          if (x < minX) minX = x;
          if (y < minY) minY = y;
          if (x > maxX) maxX = x;
          if (y > maxY) maxY = y;
        });
        this.lines.push({ xy, minX, minY, maxX, maxY, major });
      }
    }
    this.schedule();
  }

  draw(ctx, { size, zoom, scale, origin }) {
    const viewMinX = origin.x / scale;
    const viewMinY = origin.y / scale;
    const viewMaxX = (origin.x + size.x) / scale;
    const viewMaxY = (origin.y + size.y) / scale;
    const showMinor = zoom >= this.minorFromZoom;
    for (const pass of showMinor ? [false, true] : [true]) {
      ctx.beginPath();
      for (const line of this.lines) {
        if (line.major !== pass) continue;
        if (line.maxX < viewMinX || line.minX > viewMaxX || line.maxY < viewMinY || line.minY > viewMaxY) continue;
        const xy = line.xy;
        ctx.moveTo(xy[0] * scale - origin.x, xy[1] * scale - origin.y);
        for (let i = 2; i < xy.length; i += 2) ctx.lineTo(xy[i] * scale - origin.x, xy[i + 1] * scale - origin.y);
      }
      ctx.strokeStyle = pass ? '#8d99a6' : '#c3ccd5';
      ctx.lineWidth = pass ? (zoom >= 15 ? 2.5 : 1.4) : 1;
      ctx.stroke();
    }
  }
}
