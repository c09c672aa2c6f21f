/** Small, dependency-free SVG charts for the value report. */

export interface Series {
  name: string;
  values: readonly number[];
  color: string;
}

/** Colours per policy, readable in print and for the common colour-vision deficiencies. */
export const POLICY_COLORS: Record<string, string> = { practice: '#d55e00', fixed: '#7f7f7f', vulgraad: '#0072b2' };

const WIDTH = 720;
const HEIGHT = 360;
const MARGIN = { left: 64, right: 150, top: 40, bottom: 48 };

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** About five round tick values from 0 (or the minimum) to the maximum. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) max = min + 1;
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const ticks: number[] = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  if ((ticks[ticks.length - 1] as number) < max) ticks.push((ticks[ticks.length - 1] as number) + step);
  return ticks;
}

function frame(title: string, xLabel: string, yLabel: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`,
    `<text x="${MARGIN.left + (WIDTH - MARGIN.left - MARGIN.right) / 2}" y="${HEIGHT - 10}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text transform="translate(16 ${MARGIN.top + (HEIGHT - MARGIN.top - MARGIN.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

function legend(series: readonly { name: string; color: string }[]): string[] {
  return series.flatMap((s, k) => {
    const y = MARGIN.top + 10 + k * 20;
    const x = WIDTH - MARGIN.right + 16;
    return [`<rect x="${x}" y="${y - 9}" width="14" height="10" fill="${s.color}"/>`, `<text x="${x + 20}" y="${y}">${esc(s.name)}</text>`];
  });
}

function yAxis(ticks: readonly number[], toY: (v: number) => number, format: (v: number) => string): string[] {
  const x0 = MARGIN.left;
  const x1 = WIDTH - MARGIN.right;
  return ticks.flatMap((t) => {
    const y = toY(t).toFixed(1);
    return [`<line x1="${x0}" y1="${y}" x2="${x1}" y2="${y}" stroke="#e0e0e0"/>`, `<text x="${x0 - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${esc(format(t))}</text>`];
  });
}

/** One line per series over a shared x axis (labels), y from zero. */
export function lineChart(options: { title: string; xLabel: string; yLabel: string; labels: readonly string[]; series: readonly Series[]; yFormat?: (v: number) => string; labelEvery?: number }): string {
  const { labels, series } = options;
  const max = Math.max(1e-9, ...series.flatMap((s) => s.values.filter((v) => Number.isFinite(v))));
  const ticks = niceTicks(0, max);
  const top = ticks[ticks.length - 1] as number;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const toX = (i: number): number => MARGIN.left + (labels.length > 1 ? (i / (labels.length - 1)) * plotW : plotW / 2);
  const toY = (v: number): number => MARGIN.top + plotH - (v / top) * plotH;
  const every = options.labelEvery ?? Math.max(1, Math.ceil(labels.length / 8));
  const body: string[] = [...yAxis(ticks, toY, options.yFormat ?? ((v) => String(v)))];
  labels.forEach((label, i) => {
    if (i % every !== 0) return;
    body.push(`<text x="${toX(i).toFixed(1)}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${esc(label)}</text>`);
  });
  body.push(`<line x1="${MARGIN.left}" y1="${MARGIN.top + plotH}" x2="${MARGIN.left + plotW}" y2="${MARGIN.top + plotH}" stroke="#333"/>`);
  for (const s of series) {
    const points = s.values.map((v, i) => `${toX(i).toFixed(1)},${toY(v).toFixed(1)}`).join(' ');
    body.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${points}"/>`);
    s.values.forEach((v, i) => body.push(`<circle cx="${toX(i).toFixed(1)}" cy="${toY(v).toFixed(1)}" r="2.5" fill="${s.color}"/>`));
  }
  body.push(...legend(series));
  return frame(options.title, options.xLabel, options.yLabel, body);
}

/** Bars grouped by category, one bar per series in each group, y from zero. */
export function groupedBarChart(options: { title: string; xLabel: string; yLabel: string; categories: readonly string[]; series: readonly Series[]; yFormat?: (v: number) => string; valueLabels?: boolean; labelEvery?: number }): string {
  const { categories, series } = options;
  const max = Math.max(1e-9, ...series.flatMap((s) => s.values.filter((v) => Number.isFinite(v))));
  const ticks = niceTicks(0, max);
  const top = ticks[ticks.length - 1] as number;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const toY = (v: number): number => MARGIN.top + plotH - (v / top) * plotH;
  const groupW = plotW / Math.max(1, categories.length);
  const barW = (groupW * 0.8) / Math.max(1, series.length);
  const format = options.yFormat ?? ((v: number) => String(v));
  const every = options.labelEvery ?? 1;
  const body: string[] = [...yAxis(ticks, toY, format)];
  categories.forEach((category, c) => {
    const gx = MARGIN.left + c * groupW + groupW * 0.1;
    series.forEach((s, k) => {
      const v = s.values[c] ?? 0;
      const x = gx + k * barW;
      const y = toY(v);
      body.push(`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, barW - 1).toFixed(1)}" height="${(MARGIN.top + plotH - y).toFixed(1)}" fill="${s.color}"><title>${esc(`${s.name}, ${category}: ${format(v)}`)}</title></rect>`);
      if (options.valueLabels) body.push(`<text x="${(x + barW / 2).toFixed(1)}" y="${(y - 4).toFixed(1)}" text-anchor="middle" font-size="11">${esc(format(v))}</text>`);
    });
    if (c % every === 0) body.push(`<text x="${(MARGIN.left + c * groupW + groupW / 2).toFixed(1)}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${esc(category)}</text>`);
  });
  body.push(`<line x1="${MARGIN.left}" y1="${MARGIN.top + plotH}" x2="${MARGIN.left + plotW}" y2="${MARGIN.top + plotH}" stroke="#333"/>`);
  body.push(...legend(series));
  return frame(options.title, options.xLabel, options.yLabel, body);
}
