/* global window */
// Fill history (hourly) and forecast (mean with its 80 % band) on one canvas.
import { fillColor } from './colors.js';

/** `where` gives the time zone and locale of the day labels (the city's, the page's language). */
export function drawFillChart(canvas, history, forecast, nowMs, where = {}) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || canvas.width;
  const height = canvas.clientHeight || canvas.height;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const pad = { left: 30, right: 8, top: 8, bottom: 18 };
  const startMs = nowMs - 7 * 86400000;
  const endMs = forecast.length > 0 ? Date.parse(forecast[forecast.length - 1].at) : nowMs + 48 * 3600000;
  const maxPct = 110;
  const x = (ms) => pad.left + ((ms - startMs) / (endMs - startMs)) * (width - pad.left - pad.right);
  const y = (pct) => height - pad.bottom - (Math.max(0, Math.min(maxPct, pct)) / maxPct) * (height - pad.top - pad.bottom);

  ctx.strokeStyle = '#d0d7de';
  ctx.fillStyle = '#57606a';
  ctx.font = '10px system-ui, sans-serif';
  ctx.lineWidth = 1;
  for (const pct of [0, 50, 100]) {
    ctx.beginPath();
    ctx.moveTo(pad.left, y(pct));
    ctx.lineTo(width - pad.right, y(pct));
    ctx.stroke();
    ctx.fillText(`${pct}%`, 2, y(pct) + 3);
  }
  for (let d = 0; d <= 9; d++) {
    const ms = startMs + d * 86400000;
    if (ms > endMs) break;
    ctx.fillText(new Date(ms).toLocaleDateString(where.locale, { weekday: 'short', timeZone: where.timeZone }), x(ms) - 8, height - 4);
  }

  if (forecast.length > 0) {
    ctx.fillStyle = 'rgba(21, 101, 192, 0.15)';
    ctx.beginPath();
    forecast.forEach((p, i) => (i === 0 ? ctx.moveTo(x(Date.parse(p.at)), y(p.highPct)) : ctx.lineTo(x(Date.parse(p.at)), y(p.highPct))));
    for (let i = forecast.length - 1; i >= 0; i--) ctx.lineTo(x(Date.parse(forecast[i].at)), y(forecast[i].lowPct));
    ctx.closePath();
    ctx.fill();
    ctx.strokeStyle = '#1565c0';
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    forecast.forEach((p, i) => (i === 0 ? ctx.moveTo(x(Date.parse(p.at)), y(p.meanPct)) : ctx.lineTo(x(Date.parse(p.at)), y(p.meanPct))));
    ctx.stroke();
    ctx.setLineDash([]);
  }

  const points = history.filter((p) => p.fillLast !== null && p.fillLast !== undefined);
  ctx.lineWidth = 1.5;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    ctx.strokeStyle = fillColor(b.fillLast);
    ctx.beginPath();
    ctx.moveTo(x(Date.parse(a.bucket)), y(a.fillLast));
    ctx.lineTo(x(Date.parse(b.bucket)), y(b.fillLast));
    ctx.stroke();
  }

  ctx.strokeStyle = '#17324d';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(x(nowMs), pad.top);
  ctx.lineTo(x(nowMs), height - pad.bottom);
  ctx.stroke();
}
