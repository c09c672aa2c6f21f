// One colour scale for the map, the legend and the chart.

export const NO_READING = '#9e9e9e';

/** Colour of a fill level, percent (null = no reading yet). */
export function fillColor(fillPct) {
  if (fillPct === null || fillPct === undefined || Number.isNaN(fillPct)) return NO_READING;
  if (fillPct >= 90) return '#c62828';
  if (fillPct >= 75) return '#ef6c00';
  if (fillPct >= 50) return '#f9a825';
  return '#2e7d32';
}

const ROUTE_COLORS = ['#1565c0', '#6a1b9a', '#00838f', '#ad1457', '#4e342e', '#283593', '#558b2f', '#d84315'];

/** A stable colour per truck. */
export function routeColor(vehicleId) {
  let hash = 0;
  for (let i = 0; i < vehicleId.length; i++) hash = (hash * 31 + vehicleId.charCodeAt(i)) >>> 0;
  return ROUTE_COLORS[hash % ROUTE_COLORS.length];
}
