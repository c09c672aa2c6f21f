import type { LngLat, MatrixProvider } from '@vulgraad/distances';

/** A place trucks drive between: a container (cluster), a depot or a disposal site. */
export interface NetworkPlace extends LngLat {
  id: string;
}

/**
 * The full travel matrix of one planning unit (a district's depot, disposal
 * site and containers), in metres and seconds. The trucks of the simulation
 * drive by it, and it is asked from the same provider the plans are made
 * with, so executed and planned legs are the same numbers.
 */
export class TravelNetwork {
  private readonly index = new Map<string, number>();

  private constructor(
    readonly places: readonly NetworkPlace[],
    readonly distancesM: Float64Array,
    readonly durationsS: Float64Array,
    readonly provider: string,
  ) {
    places.forEach((p, k) => {
      if (this.index.has(p.id)) throw new RangeError(`duplicate place id ${p.id}`);
      this.index.set(p.id, k);
    });
  }

  /** Computes (or takes from the provider's cache) the matrix between all places. */
  static async build(places: readonly NetworkPlace[], provider: MatrixProvider): Promise<TravelNetwork> {
    const matrix = await provider.matrix(places);
    if (matrix.unreachable.length > 0) {
      const [i, j] = matrix.unreachable[0] as [number, number];
      throw new RangeError(`${matrix.unreachable.length} pair(s) without a path, e.g. ${places[i]?.id} -> ${places[j]?.id}`);
    }
    return new TravelNetwork(places, matrix.distancesM, matrix.durationsS, matrix.provider);
  }

  /** A network from matrices already at hand (tests). */
  static fromMatrices(places: readonly NetworkPlace[], distancesM: Float64Array, durationsS: Float64Array): TravelNetwork {
    const n = places.length;
    if (distancesM.length !== n * n || durationsS.length !== n * n) throw new RangeError('matrices must be n x n');
    return new TravelNetwork(places, distancesM, durationsS, 'given');
  }

  get size(): number {
    return this.places.length;
  }

  indexOf(id: string): number {
    const k = this.index.get(id);
    if (k === undefined) throw new RangeError(`unknown place ${id}`);
    return k;
  }

  has(id: string): boolean {
    return this.index.has(id);
  }

  distanceM(from: number, to: number): number {
    return this.distancesM[from * this.places.length + to] as number;
  }

  durationS(from: number, to: number): number {
    return this.durationsS[from * this.places.length + to] as number;
  }
}
