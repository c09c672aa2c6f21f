import { isIP } from 'node:net';
import { int, oneOf, optionalStr, str, type VarSpec } from './env';

/** The gateway: REST, socket.io, the dashboard, and who may log in first. */
export const gatewaySpec = {
  port: int('GATEWAY_PORT', 8080, 'HTTP port of the REST API, socket.io and the dashboard (0 = any free port, logged at start)', 0, 65535),
  jwtSecret: optionalStr('GATEWAY_JWT_SECRET', 'Key that signs login tokens; every replica needs the same one. Unset = a random key per process (tokens die with it)', true),
  tokenTtlS: int('GATEWAY_TOKEN_TTL_S', 43200, 'Seconds a login token stays valid', 60, 30 * 86400),
  adminUsername: str('GATEWAY_ADMIN_USERNAME', 'admin', 'User name of the admin that GATEWAY_ADMIN_PASSWORD creates or sets'),
  adminPassword: optionalStr('GATEWAY_ADMIN_PASSWORD', 'Password of the admin (at least 10 characters): created with it at start, or given it when it has another (its sessions end); unset = create no admin, and disable an admin that still has the demo password', true),
  liveFlushMs: int('GATEWAY_LIVE_FLUSH_MS', 40, 'Container states are coalesced (latest per container) and sent to browsers at most this often', 5, 10000),
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
