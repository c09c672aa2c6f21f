// Today's routes on a canvas of their own, between the base map and the
// containers: each truck's path along the streets (or straight legs when a
// plan has no geometry), arrows every so often in the driving direction,
// and from zoom 14 the number of each container stop in driving order;
// stops already done are faded, skipped ones crossed in red.
import { CanvasLayer, worldX, worldY } from './canvas-layer.js';

const ARROW_EVERY_PX = 110;
const NUMBERS_FROM_ZOOM = 14;

export class RouteLayer extends CanvasLayer {
  constructor(map) {
    super(map, { className: 'route-layer', zIndex: 400 });
    this.routes = [];
    this.stats = { numbers: 0, arrows: 0, faded: 0 };
  }

  /**
   * routes: [{ vehicleId, color, coordinates: [[lng, lat], ...], stops: [{ n, lng, lat, status }] }] where
   * `stops` are the container stops in driving order and `status` is planned, done, skipped or late.
   */
  setRoutes(routes) {
    this.routes = routes.map((r) => {
      const xy = new Float64Array(r.coordinates.length * 2);
      r.coordinates.forEach(([lng, lat], i) => {
        xy[2 * i] = worldX(lng);
        xy[2 * i + 1] = worldY(lat);
      });
      return { ...r, xy, stopXY: r.stops.map((s) => ({ n: s.n, status: s.status ?? 'planned', x: worldX(s.lng), y: worldY(s.lat) })) };
    });
    this.schedule();
  }

  draw(ctx, { size, zoom, sx, sy }) {
    let arrows = 0;
    let numbers = 0;
    let faded = 0;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    for (const route of this.routes) {
      if (route.xy.length < 4) continue;
      ctx.beginPath();
      ctx.moveTo(sx(route.xy[0]), sy(route.xy[1]));
      for (let i = 2; i < route.xy.length; i += 2) ctx.lineTo(sx(route.xy[i]), sy(route.xy[i + 1]));
      ctx.strokeStyle = 'rgba(255,255,255,0.9)';
      ctx.lineWidth = 7;
      ctx.stroke();
      ctx.strokeStyle = route.color;
      ctx.lineWidth = 4;
      ctx.stroke();
      // Arrows at even distances along the path, pointing the way the truck drives.
      let carried = ARROW_EVERY_PX / 2;
      for (let i = 2; i < route.xy.length; i += 2) {
        const ax = sx(route.xy[i - 2]);
        const ay = sy(route.xy[i - 1]);
        const bx = sx(route.xy[i]);
        const by = sy(route.xy[i + 1]);
        const length = Math.hypot(bx - ax, by - ay);
        if (length === 0) continue;
        let at = ARROW_EVERY_PX - carried;
        while (at <= length) {
          const t = at / length;
          const x = ax + (bx - ax) * t;
          const y = ay + (by - ay) * t;
          if (x > -10 && y > -10 && x < size.x + 10 && y < size.y + 10) {
            drawArrow(ctx, x, y, Math.atan2(by - ay, bx - ax), route.color);
            arrows++;
          }
          at += ARROW_EVERY_PX;
        }
        carried = (carried + length) % ARROW_EVERY_PX;
      }
    }
    if (zoom >= NUMBERS_FROM_ZOOM) {
      ctx.font = 'bold 10px system-ui, sans-serif';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      for (const route of this.routes) {
        // Stops in a row at one site (a cluster's pits, or paper beside residual) share one badge: "3-4".
        const badges = [];
        for (const stop of route.stopXY) {
          const x = sx(stop.x);
          const y = sy(stop.y);
          const last = badges[badges.length - 1];
          if (last && last.status === stop.status && Math.hypot(last.x - x, last.y - y) < 8) last.to = stop.n;
          else badges.push({ x, y, from: stop.n, to: stop.n, status: stop.status });
        }
        for (const badge of badges) {
          // Up and to the right of the container, so the container's own dot stays visible.
          const x = badge.x + 11;
          const y = badge.y - 11;
          if (x < -10 || y < -10 || x > size.x + 10 || y > size.y + 10) continue;
          const label = badge.from === badge.to ? String(badge.from) : `${badge.from}-${badge.to}`;
          const w = Math.max(14, ctx.measureText(label).width + 6);
          const done = badge.status === 'done';
          const skipped = badge.status === 'skipped';
          ctx.globalAlpha = done ? 0.4 : 1;
          ctx.beginPath();
          ctx.roundRect(x - w / 2, y - 7, w, 14, 7);
          ctx.fillStyle = done ? '#e8eaed' : '#fff';
          ctx.fill();
          ctx.lineWidth = 1.5;
          ctx.strokeStyle = skipped ? '#c62828' : route.color;
          ctx.stroke();
          ctx.fillStyle = done ? '#57606a' : skipped ? '#c62828' : route.color;
          ctx.fillText(label, x, y + 0.5);
          if (skipped) {
            ctx.beginPath();
            ctx.moveTo(x - w / 2 + 2, y + 5);
            ctx.lineTo(x + w / 2 - 2, y - 5);
            ctx.stroke();
          }
          ctx.globalAlpha = 1;
          if (done) faded++;
          numbers++;
        }
      }
    }
    this.stats = { numbers, arrows, faded };
  }
}

function drawArrow(ctx, x, y, angle, color) {
  ctx.save();
  ctx.translate(x, y);
  ctx.rotate(angle);
  ctx.beginPath();
  ctx.moveTo(6, 0);
  ctx.lineTo(-4, -5);
  ctx.lineTo(-2, 0);
  ctx.lineTo(-4, 5);
  ctx.closePath();
  ctx.fillStyle = '#fff';
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.5;
  ctx.fill();
  ctx.stroke();
  ctx.restore();
}
