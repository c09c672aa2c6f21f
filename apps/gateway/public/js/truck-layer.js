/* global performance */
// The trucks on a canvas above the routes: one marker per truck at its last
// reported position, pointing where it heads, gliding to each new position
// over a short moment so a truck is seen to drive rather than jump.
import { CanvasLayer, worldX, worldY } from './canvas-layer.js';

const GLIDE_MS = 800;
const LABEL_FROM_ZOOM = 15;

export class TruckLayer extends CanvasLayer {
  constructor(map) {
    super(map, { className: 'truck-layer', zIndex: 500 });
    /** vehicleId -> { from: {x, y}, to: {x, y}, movedAt, heading, color, lat, lng, at } */
    this.trucks = new Map();
    this.stats = { drawn: 0, positions: 0 };
    this.gliding = false;
  }

  /** A position report: { vehicleId, lat, lng, heading?, at } with the truck's colour. */
  move(position, color) {
    const x = worldX(position.lng);
    const y = worldY(position.lat);
    const known = this.trucks.get(position.vehicleId);
    if (known && known.at && position.at && position.at < known.at) return;
    const now = performance.now();
    const from = known ? this.currentXY(known, now) : { x, y };
    this.trucks.set(position.vehicleId, {
      from, to: { x, y }, movedAt: now, heading: position.heading ?? known?.heading ?? null, color,
      lat: position.lat, lng: position.lng, at: position.at ?? null,
    });
    this.stats.positions++;
    this.schedule();
  }

  remove(vehicleId) {
    this.trucks.delete(vehicleId);
    this.schedule();
  }

  currentXY(truck, now) {
    const t = Math.min(1, (now - truck.movedAt) / GLIDE_MS);
    return { x: truck.from.x + (truck.to.x - truck.from.x) * t, y: truck.from.y + (truck.to.y - truck.from.y) * t };
  }

  /** Where a truck's marker is drawn, in CSS pixels inside the map, or null. */
  pointOf(vehicleId) {
    const truck = this.trucks.get(vehicleId);
    if (!truck) return null;
    const p = this.map.latLngToContainerPoint([truck.lat, truck.lng]);
    return { x: p.x, y: p.y };
  }

  draw(ctx, { size, zoom, sx, sy }) {
    const now = performance.now();
    let drawn = 0;
    let moving = false;
    ctx.font = '600 11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    for (const [vehicleId, truck] of this.trucks) {
      const p = this.currentXY(truck, now);
      if (now - truck.movedAt < GLIDE_MS) moving = true;
      const x = sx(p.x);
      const y = sy(p.y);
      if (x < -20 || y < -20 || x > size.x + 20 || y > size.y + 20) continue;
      ctx.save();
      ctx.translate(x, y);
      if (truck.heading !== null) {
        ctx.save();
        ctx.rotate(((truck.heading - 90) * Math.PI) / 180);
        ctx.beginPath();
        ctx.moveTo(15, 0);
        ctx.lineTo(8, -5);
        ctx.lineTo(8, 5);
        ctx.closePath();
        ctx.fillStyle = truck.color;
        ctx.fill();
        ctx.restore();
      }
      ctx.beginPath();
      ctx.roundRect(-8, -8, 16, 16, 4);
      ctx.fillStyle = truck.color;
      ctx.fill();
      ctx.lineWidth = 2;
      ctx.strokeStyle = '#fff';
      ctx.stroke();
      // A truck's cab and body, small enough to read as "truck" at a glance.
      ctx.fillStyle = '#fff';
      ctx.fillRect(-5, -3, 6, 5);
      ctx.fillRect(2, -1, 3, 3);
      ctx.restore();
      if (zoom >= LABEL_FROM_ZOOM) {
        ctx.lineWidth = 3;
        ctx.strokeStyle = 'rgba(255,255,255,.95)';
        ctx.strokeText(vehicleId, x + 12, y + 12);
        ctx.fillStyle = '#1d2327';
        ctx.fillText(vehicleId, x + 12, y + 12);
      }
      drawn++;
    }
    this.stats.drawn = drawn;
    if (moving) this.schedule();
  }
}
