/* global document, window, requestAnimationFrame */
// Today's routes on a canvas of their own, between the base map and the
// containers: each truck's path along the streets (or straight legs when a
// plan has no geometry), arrows every so often in the driving direction,
// and from zoom 14 the number of each container stop in driving order.

const TILE = 256;
const ARROW_EVERY_PX = 110;
const NUMBERS_FROM_ZOOM = 14;

function worldX(lng) {
  return ((lng + 180) / 360) * TILE;
}
function worldY(lat) {
  const s = Math.sin((Math.max(-85.05, Math.min(85.05, lat)) * Math.PI) / 180);
  return (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * TILE;
}

export class RouteLayer {
  constructor(map) {
    this.map = map;
    this.routes = [];
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'route-layer';
    Object.assign(this.canvas.style, { position: 'absolute', left: '0', top: '0', zIndex: '400', pointerEvents: 'none' });
    map.getContainer().appendChild(this.canvas);
    this.scheduled = false;
    this.stats = { numbers: 0, arrows: 0 };
    map.on('move zoom viewreset resize', () => this.schedule());
  }

  /**
   * routes: [{ vehicleId, color, coordinates: [[lng, lat], ...], stops: [{ seq, lng, lat }] }] where
   * `stops` are the container stops in driving order.
   */
  setRoutes(routes) {
    this.routes = routes.map((r) => {
      const xy = new Float64Array(r.coordinates.length * 2);
      r.coordinates.forEach(([lng, lat], i) => {
        xy[2 * i] = worldX(lng);
        xy[2 * i + 1] = worldY(lat);
      });
      return { ...r, xy, stopXY: r.stops.map((s) => ({ n: s.n, x: worldX(s.lng), y: worldY(s.lat) })) };
    });
    this.schedule();
  }

  schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.draw();
    });
  }

  draw() {
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
    const sx = (x) => x * scale - origin.x;
    const sy = (y) => y * scale - origin.y;
    let arrows = 0;
    let numbers = 0;
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
          if (last && Math.hypot(last.x - x, last.y - y) < 8) last.to = stop.n;
          else badges.push({ x, y, from: stop.n, to: stop.n });
        }
        for (const badge of badges) {
          // Up and to the right of the container, so the container's own dot stays visible.
          const x = badge.x + 11;
          const y = badge.y - 11;
          if (x < -10 || y < -10 || x > size.x + 10 || y > size.y + 10) continue;
          const label = badge.from === badge.to ? String(badge.from) : `${badge.from}-${badge.to}`;
          const w = Math.max(14, ctx.measureText(label).width + 6);
          ctx.beginPath();
          ctx.roundRect(x - w / 2, y - 7, w, 14, 7);
          ctx.fillStyle = '#fff';
          ctx.fill();
          ctx.lineWidth = 1.5;
          ctx.strokeStyle = route.color;
          ctx.stroke();
          ctx.fillStyle = route.color;
          ctx.fillText(label, x, y + 0.5);
          numbers++;
        }
      }
    }
    this.stats = { numbers, arrows };
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
