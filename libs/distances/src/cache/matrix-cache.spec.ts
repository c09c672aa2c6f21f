import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StraightLineProvider } from '../straight/straight-line.provider';
import type { LngLat, MatrixProvider, RouteResult, TravelMatrix } from '../types';
import { CachedMatrixProvider, MatrixCache } from './matrix-cache';

/** A real provider that counts how often it is really asked. */
class CountingProvider implements MatrixProvider {
  readonly name = 'straight';
  readonly fingerprint: string;
  calls = 0;
  private readonly inner = new StraightLineProvider();
  constructor(tag = '') {
    this.fingerprint = this.inner.fingerprint + tag;
  }
  matrix(points: readonly LngLat[]): Promise<TravelMatrix> {
    this.calls++;
    return this.inner.matrix(points);
  }
  route(points: readonly LngLat[]): Promise<RouteResult> {
    return this.inner.route(points);
  }
}

const points: LngLat[] = Array.from({ length: 30 }, (_, k) => ({ lng: 4.85 + (k % 6) * 0.01, lat: 52.35 + Math.floor(k / 6) * 0.008 }));

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'vulgraad-cache-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

describe(MatrixCache.name, () => {
  it('answers the same point set from memory without asking the provider again', async () => {
    const inner = new CountingProvider();
    const sut = new CachedMatrixProvider(inner);
    const first = await sut.matrix(points);
    const second = await sut.matrix(points);
    expect(inner.calls).toBe(1);
    expect(second.fromCache).toBe(true);
    expect([...second.durationsS]).toEqual([...first.durationsS]);
    // A caller editing its copy does not change the cache.
    second.durationsS[1] = -1;
    expect((await sut.matrix(points)).durationsS[1]).toBe(first.durationsS[1]);
  });

  it('cuts a sub-matrix, in the requested order, out of a cached bigger one', async () => {
    const inner = new CountingProvider();
    const sut = new CachedMatrixProvider(inner);
    const full = await sut.matrix(points);
    const picked = [17, 3, 29, 8];
    const sub = await sut.matrix(picked.map((k) => points[k]));
    expect(inner.calls).toBe(1);
    expect(sut.cache.subMatrixHits).toBe(1);
    picked.forEach((from, i) => picked.forEach((to, j) => expect(sub.distancesM[i * 4 + j]).toBe(full.distancesM[from * 30 + to])));
  });

  it('keeps matrices apart by provider fingerprint', async () => {
    const cache = new MatrixCache();
    const a = new CountingProvider('a');
    const b = new CountingProvider('b');
    await new CachedMatrixProvider(a, cache).matrix(points);
    await new CachedMatrixProvider(b, cache).matrix(points);
    expect(a.calls + b.calls).toBe(2);
  });

  it('survives a restart through the cache folder, including sub-matrix lookups', async () => {
    const before = new CachedMatrixProvider(new CountingProvider(), new MatrixCache({ directory: folder }));
    const full = await before.matrix(points);
    expect(readdirSync(folder).filter((f) => f.endsWith('.vgmatrix'))).toHaveLength(1);

    const inner = new CountingProvider();
    const after = new CachedMatrixProvider(inner, new MatrixCache({ directory: folder }));
    const again = await after.matrix(points);
    const sub = await after.matrix([points[4], points[2]]);
    expect(inner.calls).toBe(0);
    expect([...again.durationsS]).toEqual([...full.durationsS]);
    expect(sub.distancesM[1]).toBe(full.distancesM[4 * 30 + 2]);
  });

  it('ignores a damaged cache file with a warning and recomputes', async () => {
    await new CachedMatrixProvider(new CountingProvider(), new MatrixCache({ directory: folder })).matrix(points);
    const file = readdirSync(folder).find((f) => f.endsWith('.vgmatrix')) as string;
    writeFileSync(path.join(folder, file), Buffer.from('broken'));
    const warnings: string[] = [];
    const inner = new CountingProvider();
    const sut = new CachedMatrixProvider(inner, new MatrixCache({ directory: folder, onWarning: (m) => warnings.push(m) }));
    await sut.matrix(points);
    expect(inner.calls).toBe(1);
    expect(warnings.join('\n')).toMatch(/ignored/);
  });

  it('evicts the least recently used matrix beyond its memory budget', async () => {
    const inner = new CountingProvider();
    // Room for about two 30-point matrices (2 x 30 x 30 x 8 bytes each, plus keys).
    const sut = new CachedMatrixProvider(inner, new MatrixCache({ maxBytes: 40_000 }));
    const shifted = (d: number): LngLat[] => points.map((p) => ({ lng: p.lng + d, lat: p.lat }));
    const [setA, setB, setC] = [shifted(0), shifted(0.1), shifted(0.2)];
    await sut.matrix(setA);
    await sut.matrix(setB);
    await sut.matrix(setC);
    expect(sut.cache.size).toBe(2);
    expect(inner.calls).toBe(3);
    // A was the oldest: asking for it again goes back to the provider; C is still there.
    await sut.matrix(setC);
    expect(inner.calls).toBe(3);
    await sut.matrix(setA);
    expect(inner.calls).toBe(4);
  });

  it('bypasses the cache on request', async () => {
    const inner = new CountingProvider();
    const sut = new CachedMatrixProvider(inner);
    await sut.matrix(points);
    await sut.matrix(points, { noCache: true });
    expect(inner.calls).toBe(2);
  });
});
