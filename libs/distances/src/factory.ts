import { CachedMatrixProvider, MatrixCache } from './cache/matrix-cache';
import { GraphHopperProvider } from './graphhopper/graphhopper.provider';
import { RoadGraphProvider } from './road/road-graph.provider';
import { StraightLineProvider } from './straight/straight-line.provider';
import { DistanceError, type MatrixProvider } from './types';

/**
 * The settings the factory reads; `loadConfig().distances` of @vulgraad/config
 * has exactly this shape (DISTANCES_* and GRAPHHOPPER_* variables).
 */
export interface DistancesSettings {
  provider: 'auto' | 'straight' | 'road' | 'graphhopper';
  detourFactor: number;
  straightSpeedKmh: number;
  roadGraph: string | null;
  urbanFactor: number;
  truckMaxKmh: number;
  graphhopperUrl: string | null;
  graphhopperApiKey: string | null;
  graphhopperProfile: string;
  graphhopperMaxMatrixPoints: number;
  cacheDir: string | null;
  cacheMaxMb: number;
}

/** Which provider the settings select (`auto` resolved). */
export function chooseProvider(settings: DistancesSettings): 'straight' | 'road' | 'graphhopper' {
  if (settings.provider !== 'auto') return settings.provider;
  if (settings.graphhopperUrl || settings.graphhopperApiKey) return 'graphhopper';
  if (settings.roadGraph) return 'road';
  return 'straight';
}

/**
 * Builds the configured provider behind a matrix cache (memory, plus the
 * cache folder when set). A road graph is loaded and its contraction
 * hierarchy built here, so the first plan does not pay for it.
 */
export async function createMatrixProvider(settings: DistancesSettings, options: { onWarning?: (message: string) => void } = {}): Promise<MatrixProvider> {
  const kind = chooseProvider(settings);
  let provider: MatrixProvider;
  if (kind === 'graphhopper') {
    provider = new GraphHopperProvider({
      url: settings.graphhopperUrl ?? undefined,
      apiKey: settings.graphhopperApiKey,
      profile: settings.graphhopperProfile,
      maxMatrixPoints: settings.graphhopperMaxMatrixPoints,
    });
  } else if (kind === 'road') {
    if (!settings.roadGraph) throw new DistanceError('bad_input', 'DISTANCES_PROVIDER=road needs DISTANCES_ROAD_GRAPH (a road graph file or folder)');
    const road = await RoadGraphProvider.fromFile(settings.roadGraph, {
      speeds: { urbanFactor: settings.urbanFactor, truckMaxKmh: settings.truckMaxKmh },
      hierarchyCacheDir: settings.cacheDir,
      onWarning: options.onWarning,
    });
    road.prepare();
    provider = road;
  } else {
    provider = new StraightLineProvider({ detourFactor: settings.detourFactor, speedKmh: settings.straightSpeedKmh });
  }
  if (settings.cacheMaxMb <= 0 && !settings.cacheDir) return provider;
  return new CachedMatrixProvider(provider, new MatrixCache({ maxBytes: settings.cacheMaxMb * 1024 * 1024, directory: settings.cacheDir, onWarning: options.onWarning }));
}
