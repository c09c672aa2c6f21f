import { int, num, oneOf, optionalStr, str } from './env';

/**
 * Where travel distances and durations come from. `auto` picks GraphHopper
 * when a URL or API key is set, else the road graph when a file is set, else
 * the straight line (always available).
 */
export const distancesSpec = {
  provider: oneOf('DISTANCES_PROVIDER', 'auto', ['auto', 'straight', 'road', 'graphhopper'] as const, 'Distance provider: auto, straight, road or graphhopper'),
  detourFactor: num('DISTANCES_DETOUR_FACTOR', 1.3, 'Straight line: road distance over great-circle distance', 1, 5),
  straightSpeedKmh: num('DISTANCES_STRAIGHT_SPEED_KMH', 25, 'Straight line: average truck speed, km/h', 1, 130),
  roadGraph: optionalStr('DISTANCES_ROAD_GRAPH', 'Road graph: a .osm.pbf, .osm(.gz), .graphml file or a drive_nodes/drive_edges CSV folder'),
  urbanFactor: num('DISTANCES_URBAN_FACTOR', 0.8, 'Road graph: multiplier on free-flow speeds for junctions and traffic', 0.05, 1),
  truckMaxKmh: num('DISTANCES_TRUCK_MAX_KMH', 80, 'Road graph: top speed of a collection truck, km/h', 5, 130),
  graphhopperUrl: optionalStr('GRAPHHOPPER_URL', 'GraphHopper base URL (self-hosted); unset with an API key = the hosted API'),
  graphhopperApiKey: optionalStr('GRAPHHOPPER_API_KEY', 'GraphHopper API key', true),
  graphhopperProfile: str('GRAPHHOPPER_PROFILE', 'car', 'GraphHopper routing profile (car, small_truck, truck, ...)'),
  graphhopperMaxMatrixPoints: int('GRAPHHOPPER_MAX_MATRIX_POINTS', 100, 'Largest from/to point count per Matrix request; bigger matrices go in blocks', 1, 10000),
  cacheDir: optionalStr('DISTANCES_CACHE_DIR', 'Folder where travel matrices are kept across restarts; unset = memory only'),
  cacheMaxMb: int('DISTANCES_CACHE_MAX_MB', 512, 'Memory budget of the matrix cache, MiB', 0, 65536),
};
