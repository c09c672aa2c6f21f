import { isIP } from 'node:net';
import { bool, int, oneOf, optionalStr, str, type VarSpec } from './env';

/** The gateway: REST, socket.io, the dashboard, and who may log in first. */
export const gatewaySpec = {
  port: int('GATEWAY_PORT', 8080, 'HTTP port of the REST API, socket.io and the dashboard (0 = any free port, logged at start)', 0, 65535),
  jwtSecret: optionalStr('GATEWAY_JWT_SECRET', 'Key that signs login tokens; every replica needs the same one. Unset = a random key per process (tokens die with it)', true),
  tokenTtlS: int('GATEWAY_TOKEN_TTL_S', 43200, 'Seconds a login token stays valid', 60, 30 * 86400),
  adminUsername: str('GATEWAY_ADMIN_USERNAME', 'admin', 'User name of the admin that GATEWAY_ADMIN_PASSWORD creates or sets'),
  adminPassword: optionalStr('GATEWAY_ADMIN_PASSWORD', 'Password of the admin (at least 10 characters): created with it at start, or given it when it has another (its sessions end); unset = create no admin, and disable an admin that still has the demo password', true),
  liveFlushMs: int('GATEWAY_LIVE_FLUSH_MS', 40, 'Container states are coalesced (latest per container) and sent to browsers at most this often', 5, 10000),
  positionFlushMs: int('GATEWAY_POSITION_FLUSH_MS', 50, 'Truck positions are collected this long and sent to browsers as one list per room (fewer socket writes); it adds up to this much to their latency', 5, 10000),
  socketRedisPrefix: str('GATEWAY_SOCKET_REDIS_PREFIX', 'vulgraad:socket.io', 'Redis channel prefix of the socket.io adapter; replicas of one deployment share it'),
  socketAdapter: oneOf('GATEWAY_SOCKET_ADAPTER', 'auto', ['auto', 'redis', 'local'] as const, 'socket.io adapter between replicas: auto = Redis when REDIS_URL is set'),
  loginRedisPrefix: str('GATEWAY_LOGIN_REDIS_PREFIX', 'vulgraad:login', 'Redis key prefix of the failed-login counters (with REDIS_URL set, replicas of one deployment share them, so the login limits hold across replicas; unset REDIS_URL = counted in this process)'),
  tileUrl: optionalStr('GATEWAY_TILE_URL', 'Map tile URL template ({z}/{x}/{y}) for the dashboard; unset = no tiles, roads or district outlines drawn from local data'),
  basemap: optionalStr('GATEWAY_BASEMAP', 'Base map drawn under the dashboard without internet: comma-separated .osm.pbf/.osm(.gz) extracts, CSV road graph folders or vulgraad base map .json files; unset = from DISTANCES_ROAD_GRAPH when that is OSM or CSV'),
  basemapAttribution: optionalStr('GATEWAY_BASEMAP_ATTRIBUTION', 'Attribution shown on the base map; unset = what its sources carry (OpenStreetMap: "© OpenStreetMap contributors (ODbL)")'),
  roadsGeojson: optionalStr('GATEWAY_ROADS_GEOJSON', 'GeoJSON file of the road network drawn under the dashboard map when there are no tiles'),
  openDataCacheS: int('GATEWAY_OPEN_DATA_CACHE_S', 60, 'Seconds an open-data answer is served from memory before it is computed again', 0, 86400),
  trustProxy: optionalStr('GATEWAY_TRUST_PROXY', 'Proxies in front of the gateway whose X-Forwarded-For is believed: a number of hops (1 behind one nginx) or a comma-separated list of addresses/subnets (loopback, 10.0.0.0/8). Unset = none: the client address (login throttling counts per address) is the TCP peer'),
  internalFrom: networkList('GATEWAY_INTERNAL_FROM', 'loopback', 'Clients that /metrics and /internal/* answer (everyone else gets 404): loopback, private (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7), addresses and subnets, comma-separated; behind GATEWAY_TRUST_PROXY the forwarded client counts'),
  proofRadiusM: int('GATEWAY_PROOF_RADIUS_M', 50, 'Proof of service: a fill drop counts a stop done when a truck of the container\'s fraction was within this many metres of it', 5, 1000),
  proofWindowS: int('GATEWAY_PROOF_WINDOW_S', 600, 'Proof of service: ... and that truck was there at most this many seconds before or after the reading that showed the drop', 10, 7200),
  proofDropPct: int('GATEWAY_PROOF_DROP_PCT', 30, 'Proof of service: the fill must fall by at least this many percentage points between two readings', 5, 100),
  etaSpeedKmh: int('GATEWAY_ETA_SPEED_KMH', 25, 'ETAs: average speed of a truck from its position to its next stop (straight-line distance times 1.3 for the roads)', 5, 120),
  lateAfterMin: int('GATEWAY_LATE_AFTER_MIN', 15, 'A stop not yet done is late when its ETA (or the clock) is this many minutes past its planned arrival', 1, 600),
  progressEmitMs: int('GATEWAY_PROGRESS_EMIT_MS', 2000, 'A route\'s progress is sent to its rooms at most this often on positions alone (a stop done or skipped is sent at once)', 100, 60000),
  driverPhotoMaxBytes: int('GATEWAY_DRIVER_PHOTO_MAX_BYTES', 2_000_000, 'Largest photo a driver may attach to a stop, bytes (decoded)', 10_000, 20_000_000),
  replanOnSkip: bool('GATEWAY_REPLAN_ON_SKIP', true, 'A stop the driver skips (blocked, not accessible, damaged, contaminated) excludes the container and re-plans the rest of that truck\'s day'),
  corsOrigin: optionalStr('GATEWAY_CORS_ORIGIN', 'Origin allowed to call the API from another site (unset = same origin only)'),
};

/** A comma-separated list of `loopback`, `private`, IP addresses and subnets (address/bits). */
function networkList(name: string, def: string, description: string): VarSpec<string> {
  return {
    name,
    description,
    default: def,
    parse: (raw) => {
      for (const part of raw.split(',').map((p) => p.trim().toLowerCase()).filter(Boolean)) {
        if (part === 'loopback' || part === 'private') continue;
        const [address, bits, extra] = part.split('/');
        const family = isIP(address ?? '');
        const maxBits = family === 4 ? 32 : 128;
        if (family === 0 || extra !== undefined || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= maxBits))) {
          throw new Error(`expected loopback, private, addresses or subnets, got "${part}"`);
        }
      }
      return raw;
    },
  };
}
