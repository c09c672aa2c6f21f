import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LngLat, MatrixOptions, MatrixProvider, RouteResult, TravelMatrix } from '../types';

/** Settings of the matrix cache. */
export interface MatrixCacheOptions {
  /** Memory budget for cached matrices, bytes. Default 512 MiB. */
  maxBytes?: number;
  /** Folder for matrices kept across restarts; null keeps them in memory only. */
  directory?: string | null;
  /** Told about unreadable cache files (they are ignored, never trusted). */
  onWarning?: (message: string) => void;
}

interface Entry {
  key: string;
  fingerprint: string;
  pointKeys: string[];
  /** Position of each point in this entry, for sub-matrix lookups. */
  index: Map<string, number>;
  matrix: TravelMatrix;
  bytes: number;
}

interface DiskHeader {
  format: 'vulgraad-matrix';
  version: 1;
  fingerprint: string;
  provider: string;
  n: number;
  points: string[];
  unreachable: Array<[number, number]>;
}

const FILE_SUFFIX = '.vgmatrix';

/** A point's identity in the cache: coordinates to 1e-7 degree (about a centimetre). */
export function pointKey(p: LngLat): string {
  return `${p.lng.toFixed(7)},${p.lat.toFixed(7)}`;
}

/**
 * Travel matrices kept between plans, keyed by provider fingerprint and point
 * set. A request whose points are all inside a cached matrix (today's chosen
 * containers out of the district's full set) is answered by cutting the
 * sub-matrix out, so one full matrix per district serves every plan. In
 * memory (least recently used first out) and optionally in a folder.
 */
export class MatrixCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private readonly maxBytes: number;
  private readonly directory: string | null;
  private readonly warn: (message: string) => void;
  /** Disk headers by fingerprint, read once per fingerprint. */
  private readonly diskIndex = new Map<string, Array<{ file: string; points: Set<string> }>>();
  hits = 0;
  subMatrixHits = 0;
  diskHits = 0;
  misses = 0;

  constructor(options: MatrixCacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? 512 * 1024 * 1024;
    this.directory = options.directory ?? null;
    this.warn = options.onWarning ?? (() => undefined);
  }

  /** Matrices held in memory. */
  get size(): number {
    return this.entries.size;
  }

  /** The matrix for exactly these points (in this order), from memory or disk, or null. */
  async get(fingerprint: string, points: readonly LngLat[]): Promise<TravelMatrix | null> {
    const keys = points.map(pointKey);
    const key = cacheKey(fingerprint, keys);
    const exact = this.entries.get(key);
    if (exact) {
      this.touch(exact);
      this.hits++;
      // Copies: a caller that edits its matrix must not change the cached one.
      const m = exact.matrix;
      return { ...m, distancesM: m.distancesM.slice(), durationsS: m.durationsS.slice(), snapDistancesM: m.snapDistancesM.slice(), unreachable: [...m.unreachable], fromCache: true };
    }
    for (const entry of [...this.entries.values()].reverse()) {
      if (entry.fingerprint !== fingerprint) continue;
      const positions = positionsIn(entry, keys);
      if (positions) {
        this.touch(entry);
        this.subMatrixHits++;
        return subMatrix(entry.matrix, positions);
      }
    }
    const fromDisk = await this.fromDisk(fingerprint, keys);
    if (fromDisk) {
      this.diskHits++;
      return fromDisk;
    }
    this.misses++;
    return null;
  }

  /** Stores a matrix computed for these points (and writes it to the folder when one is set). */
  async set(fingerprint: string, points: readonly LngLat[], matrix: TravelMatrix): Promise<void> {
    const keys = points.map(pointKey);
    const key = cacheKey(fingerprint, keys);
    this.remember(key, fingerprint, keys, matrix);
    if (this.directory) await this.writeFile(key, fingerprint, keys, matrix);
  }

  private remember(key: string, fingerprint: string, keys: string[], matrix: TravelMatrix): void {
    const bytes = matrix.distancesM.byteLength + matrix.durationsS.byteLength + matrix.snapDistancesM.byteLength + keys.length * 64;
    if (bytes > this.maxBytes) return;
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.bytes -= old.bytes;
    }
    const index = new Map<string, number>();
    keys.forEach((k, i) => {
      if (!index.has(k)) index.set(k, i);
    });
    this.entries.set(key, { key, fingerprint, pointKeys: keys, index, matrix: { ...matrix, fromCache: undefined }, bytes });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
  }

  private touch(entry: Entry): void {
    this.entries.delete(entry.key);
    this.entries.set(entry.key, entry);
  }

  private async writeFile(key: string, fingerprint: string, keys: string[], matrix: TravelMatrix): Promise<void> {
    const directory = this.directory as string;
    await mkdir(directory, { recursive: true });
    const header: DiskHeader = { format: 'vulgraad-matrix', version: 1, fingerprint, provider: matrix.provider, n: matrix.n, points: keys, unreachable: matrix.unreachable };
    const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(headerBytes.length);
    // Float64 data starts on an 8-byte boundary so it can be viewed without copying.
    const pad = Buffer.alloc((8 - ((4 + headerBytes.length) % 8)) % 8);
    const file = path.join(directory, `${key}${FILE_SUFFIX}`);
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, Buffer.concat([length, headerBytes, pad, bufferOf(matrix.distancesM), bufferOf(matrix.durationsS), bufferOf(matrix.snapDistancesM)]));
    await rename(temporary, file);
    const list = this.diskIndex.get(fingerprint);
    if (list) list.push({ file, points: new Set(keys) });
  }

  private async fromDisk(fingerprint: string, keys: string[]): Promise<TravelMatrix | null> {
    if (!this.directory) return null;
    const index = await this.indexFor(fingerprint);
    const exactFile = path.join(this.directory, `${cacheKey(fingerprint, keys)}${FILE_SUFFIX}`);
    const candidates = index.filter((f) => f.file === exactFile || keys.every((k) => f.points.has(k)));
    candidates.sort((a, b) => (a.file === exactFile ? -1 : b.file === exactFile ? 1 : a.points.size - b.points.size));
    for (const candidate of candidates) {
      const loaded = await this.readFile(candidate.file);
      if (!loaded || loaded.header.fingerprint !== fingerprint) continue;
      const entryKey = path.basename(candidate.file, FILE_SUFFIX);
      this.remember(entryKey, fingerprint, loaded.header.points, loaded.matrix);
      const entry = this.entries.get(entryKey);
      const positions = entry ? positionsIn(entry, keys) : null;
      if (positions) return subMatrix(loaded.matrix, positions);
    }
    return null;
  }

  private async indexFor(fingerprint: string): Promise<Array<{ file: string; points: Set<string> }>> {
    const known = this.diskIndex.get(fingerprint);
    if (known) return known;
    const list: Array<{ file: string; points: Set<string> }> = [];
    this.diskIndex.set(fingerprint, list);
    const names = await readdir(this.directory as string).catch(() => [] as string[]);
    for (const name of names) {
      if (!name.endsWith(FILE_SUFFIX)) continue;
      const file = path.join(this.directory as string, name);
      const header = await readHeader(file).catch((error: Error) => {
        this.warn(`matrix cache file ${file} ignored: ${error.message}`);
        return null;
      });
      if (header && header.fingerprint === fingerprint) list.push({ file, points: new Set(header.points) });
    }
    return list;
  }

  private async readFile(file: string): Promise<{ header: DiskHeader; matrix: TravelMatrix } | null> {
    try {
      const bytes = await readFile(file);
      const headerLength = bytes.readUInt32LE(0);
      const header = parseHeader(bytes.subarray(4, 4 + headerLength).toString('utf8'));
      const start = 4 + headerLength + ((8 - ((4 + headerLength) % 8)) % 8);
      const cells = header.n * header.n;
      const expected = start + (2 * cells + header.n) * 8;
      if (bytes.length !== expected) throw new Error(`expected ${expected} bytes, found ${bytes.length}`);
      const floats = (offset: number, count: number): Float64Array => new Float64Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + count * 8));
      const matrix: TravelMatrix = {
        n: header.n,
        distancesM: floats(start, cells),
        durationsS: floats(start + cells * 8, cells),
        snapDistancesM: floats(start + cells * 16, header.n),
        unreachable: header.unreachable,
        provider: header.provider,
      };
      return { header, matrix };
    } catch (error) {
      this.warn(`matrix cache file ${file} ignored: ${(error as Error).message}`);
      return null;
    }
  }
}

/**
 * Puts a MatrixCache in front of any provider: identical or contained point
 * sets are answered from the cache; routes pass through.
 */
export class CachedMatrixProvider implements MatrixProvider {
  readonly name: string;
  readonly fingerprint: string;

  constructor(
    readonly inner: MatrixProvider,
    readonly cache: MatrixCache = new MatrixCache(),
  ) {
    this.name = inner.name;
    this.fingerprint = inner.fingerprint;
  }

  async matrix(points: readonly LngLat[], options: MatrixOptions = {}): Promise<TravelMatrix> {
    if (!options.noCache) {
      const cached = await this.cache.get(this.fingerprint, points);
      if (cached) return cached;
    }
    const matrix = await this.inner.matrix(points, options);
    await this.cache.set(this.fingerprint, points, matrix);
    return matrix;
  }

  route(points: readonly LngLat[], options?: { signal?: AbortSignal }): Promise<RouteResult> {
    return this.inner.route(points, options);
  }
}

function cacheKey(fingerprint: string, keys: readonly string[]): string {
  return createHash('sha256').update(fingerprint).update('\n').update(keys.join(';')).digest('hex').slice(0, 40);
}

function positionsIn(entry: Entry, keys: readonly string[]): Int32Array | null {
  const positions = new Int32Array(keys.length);
  for (let k = 0; k < keys.length; k++) {
    const at = entry.index.get(keys[k]);
    if (at === undefined) return null;
    positions[k] = at;
  }
  return positions;
}

/** The matrix restricted (and reordered) to the given positions of a bigger one. */
function subMatrix(source: TravelMatrix, positions: Int32Array): TravelMatrix {
  const n = positions.length;
  const big = source.n;
  const distancesM = new Float64Array(n * n);
  const durationsS = new Float64Array(n * n);
  const unreachableSet = new Set(source.unreachable.map(([i, j]) => i * big + j));
  const unreachable: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    const row = positions[i] * big;
    for (let j = 0; j < n; j++) {
      const cell = row + positions[j];
      distancesM[i * n + j] = source.distancesM[cell];
      durationsS[i * n + j] = source.durationsS[cell];
      if (unreachableSet.size > 0 && unreachableSet.has(cell)) unreachable.push([i, j]);
    }
  }
  return {
    n,
    distancesM,
    durationsS,
    unreachable,
    snapDistancesM: Float64Array.from(positions, (p) => source.snapDistancesM[p]),
    provider: source.provider,
    fromCache: true,
  };
}

function bufferOf(array: Float64Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

async function readHeader(file: string): Promise<DiskHeader> {
  const handle = await open(file, 'r');
  try {
    const lengthBytes = Buffer.alloc(4);
    await handle.read(lengthBytes, 0, 4, 0);
    const length = lengthBytes.readUInt32LE(0);
    if (length > 64 * 1024 * 1024) throw new Error('header too large');
    const headerBytes = Buffer.alloc(length);
    await handle.read(headerBytes, 0, length, 4);
    return parseHeader(headerBytes.toString('utf8'));
  } finally {
    await handle.close();
  }
}

function parseHeader(text: string): DiskHeader {
  const header = JSON.parse(text) as DiskHeader;
  if (header.format !== 'vulgraad-matrix' || header.version !== 1 || !Array.isArray(header.points) || header.points.length !== header.n) {
    throw new Error('not a matrix cache file of this version');
  }
  return header;
}
