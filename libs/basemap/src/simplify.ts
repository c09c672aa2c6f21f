/**
 * Douglas-Peucker on a flat [x, y, ...] line: drops points closer than
 * `tolerance` to the line between the points kept around them. The ends stay.
 */
export function simplifyLine(coords: readonly number[], tolerance: number): number[] {
  const n = coords.length / 2;
  if (n <= 2 || tolerance <= 0) return [...coords];
  const keep = new Uint8Array(n);
  keep[0] = 1;
  keep[n - 1] = 1;
  const stack: Array<[number, number]> = [[0, n - 1]];
  const t2 = tolerance * tolerance;
  while (stack.length > 0) {
    const [a, b] = stack.pop() as [number, number];
    const ax = coords[2 * a] as number;
    const ay = coords[2 * a + 1] as number;
    const dx = (coords[2 * b] as number) - ax;
    const dy = (coords[2 * b + 1] as number) - ay;
    const len2 = dx * dx + dy * dy;
    let worst = -1;
    let worstD2 = t2;
    for (let i = a + 1; i < b; i++) {
      const px = (coords[2 * i] as number) - ax;
      const py = (coords[2 * i + 1] as number) - ay;
      let d2: number;
      if (len2 === 0) d2 = px * px + py * py;
      else {
        const t = Math.max(0, Math.min(1, (px * dx + py * dy) / len2));
        const qx = px - t * dx;
        const qy = py - t * dy;
        d2 = qx * qx + qy * qy;
      }
      if (d2 > worstD2) {
        worstD2 = d2;
        worst = i;
      }
    }
    if (worst >= 0) {
      keep[worst] = 1;
      stack.push([a, worst], [worst, b]);
    }
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) out.push(coords[2 * i] as number, coords[2 * i + 1] as number);
  return out;
}
