/**
 * Contract test of the GraphHopper provider. No GraphHopper can run on this
 * machine, so a local HTTP server answers in GraphHopper's documented
 * response format (Matrix API: `distances` in metres, `times` in seconds,
 * null for unreachable pairs; Routing API: `paths[]` with `distance`,
 * `time` in milliseconds, an encoded `points` polyline and instructions;
 * errors as `{ message, hints[] }` with a 4xx status). The test checks both
 * what the provider sends and how it reads the answers.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DistanceError, GraphHopperProvider, haversineM, type LngLat } from '@vulgraad/distances';

interface Seen {
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown>;
}

const API_KEY = 'secret-key-123';
const points: LngLat[] = [
  { lng: 4.8932, lat: 52.3731 },
  { lng: 4.9041, lat: 52.3676 },
  { lng: 4.8795, lat: 52.3584 },
  { lng: 4.9218, lat: 52.3794 },
  { lng: 4.8657, lat: 52.3702 },
];

/** Google polyline encoding at 1e5, as GraphHopper writes `points` when points_encoded is true. */
function encodePolyline(coords: Array<[number, number]>): string {
  let out = '';
  let lastLat = 0;
  let lastLng = 0;
  const encode = (value: number): void => {
    let v = value < 0 ? ~(value << 1) : value << 1;
    while (v >= 0x20) {
      out += String.fromCharCode((0x20 | (v & 0x1f)) + 63);
      v >>= 5;
    }
    out += String.fromCharCode(v + 63);
  };
  for (const [lng, lat] of coords) {
    const la = Math.round(lat * 1e5);
    const ln = Math.round(lng * 1e5);
    encode(la - lastLat);
    encode(ln - lastLng);
    lastLat = la;
    lastLng = ln;
  }
  return out;
}

const unreachablePair = (from: number[], to: number[]): boolean => from[0] === points[3].lng && to[0] === points[4].lng;

async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
}

describe('GraphHopperProvider against a GraphHopper-format server', () => {
  let server: Server;
  let url: string;
  const seen: Seen[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      void (async () => {
        const parsed = new URL(request.url ?? '/', 'http://localhost');
        const body = await readBody(request);
        seen.push({ path: parsed.pathname, query: parsed.searchParams, body });
        const reply = (status: number, payload: unknown): void => {
          response.writeHead(status, { 'Content-Type': 'application/json' });
          response.end(JSON.stringify(payload));
        };
        const all = [...((body.from_points as number[][]) ?? []), ...((body.to_points as number[][]) ?? []), ...((body.points as number[][]) ?? [])];
        const outside = all.findIndex((p) => p[1] > 60);
        if (outside >= 0) {
          const message = `Point ${outside} is out of bounds: ${all[outside][1]},${all[outside][0]}`;
          return reply(400, { message, hints: [{ message, details: 'com.graphhopper.util.exceptions.PointOutOfBoundsException' }] });
        }
        if (parsed.pathname.endsWith('/matrix')) {
          const from = body.from_points as number[][];
          const to = body.to_points as number[][];
          const distances = from.map((f) => to.map((t) => (unreachablePair(f, t) ? null : Math.round(haversineM(f[0], f[1], t[0], t[1]) * 1.25))));
          const times = distances.map((row) => row.map((d) => (d === null ? null : Math.round(d / 8.3))));
          return reply(200, { distances, times, weights: times, info: { copyrights: ['GraphHopper', 'OpenStreetMap contributors'], took: 3 } });
        }
        if (parsed.pathname.endsWith('/route')) {
          const via = body.points as number[][];
          const instructions = [];
          let distance = 0;
          let time = 0;
          for (let k = 1; k < via.length; k++) {
            const d = haversineM(via[k - 1][0], via[k - 1][1], via[k][0], via[k][1]) * 1.25;
            instructions.push({ distance: d * 0.6, time: Math.round((d * 0.6 * 1000) / 8.3), sign: 0, interval: [k - 1, k - 1], text: 'Continue' });
            instructions.push({ distance: d * 0.4, time: Math.round((d * 0.4 * 1000) / 8.3), sign: k === via.length - 1 ? 4 : 5, interval: [k, k], text: k === via.length - 1 ? 'Arrive at destination' : 'Waypoint 1' });
            distance += d;
          }
          for (const step of instructions) time += step.time;
          const line = via.map((p): [number, number] => [p[0], p[1]]);
          return reply(200, {
            paths: [{ distance, time, points_encoded: true, points: encodePolyline(line), snapped_waypoints: encodePolyline(line), instructions, bbox: [0, 0, 0, 0] }],
            info: { copyrights: ['GraphHopper'], took: 2 },
          });
        }
        return reply(404, { message: `Not found: ${parsed.pathname}` });
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/1`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    seen.length = 0;
  });

  it('asks the Matrix API for distances and times of lng/lat points with the profile and key', async () => {
    const sut = new GraphHopperProvider({ url, apiKey: API_KEY, profile: 'small_truck' });
    const m = await sut.matrix(points);
    expect(seen).toHaveLength(1);
    expect(seen[0].path).toBe('/api/1/matrix');
    expect(seen[0].query.get('key')).toBe(API_KEY);
    expect(seen[0].body.profile).toBe('small_truck');
    expect(seen[0].body.out_arrays).toEqual(['distances', 'times']);
    expect(seen[0].body.fail_fast).toBe(false);
    expect(seen[0].body.from_points).toEqual(points.map((p) => [p.lng, p.lat]));
    expect(seen[0].body.to_points).toEqual(points.map((p) => [p.lng, p.lat]));
    // Row-major, metres and seconds as sent; null became an unreachable cell.
    const expected01 = Math.round(haversineM(points[0].lng, points[0].lat, points[1].lng, points[1].lat) * 1.25);
    expect(m.distancesM[1]).toBe(expected01);
    expect(m.durationsS[1]).toBe(Math.round(expected01 / 8.3));
    expect(m.unreachable).toEqual([[3, 4]]);
    expect(m.distancesM[3 * 5 + 4]).toBe(1e9);
    expect(m.provider).toBe('graphhopper');
  });

  it('splits a large matrix into blocks and puts them together in place', async () => {
    const whole = await new GraphHopperProvider({ url, apiKey: API_KEY }).matrix(points);
    seen.length = 0;
    const sut = new GraphHopperProvider({ url, apiKey: API_KEY, maxMatrixPoints: 2 });
    const blocks = await sut.matrix(points);
    expect(seen).toHaveLength(9);
    expect((seen[4].body.from_points as unknown[]).length).toBe(2);
    expect([...blocks.durationsS]).toEqual([...whole.durationsS]);
    expect(blocks.unreachable).toEqual([[3, 4]]);
  });

  it('asks the Routing API for the route and reads distance, time in ms, the polyline and the legs', async () => {
    const sut = new GraphHopperProvider({ url });
    const route = await sut.route(points.slice(0, 3));
    expect(seen[0].path).toBe('/api/1/route');
    expect(seen[0].body.points).toEqual(points.slice(0, 3).map((p) => [p.lng, p.lat]));
    expect(seen[0].body.profile).toBe('car');
    expect(seen[0].body.points_encoded).toBe(true);
    expect(seen[0].body.elevation).toBe(false);
    expect(route.coordinates).toHaveLength(3);
    expect(route.coordinates[1][0]).toBeCloseTo(points[1].lng, 5);
    expect(route.coordinates[1][1]).toBeCloseTo(points[1].lat, 5);
    expect(route.legs).toHaveLength(2);
    expect(route.legs[0].distanceM + route.legs[1].distanceM).toBeCloseTo(route.distanceM, 6);
    expect(route.durationS).toBeCloseTo(route.legs[0].durationS + route.legs[1].durationS, 6);
    expect(route.durationS).toBeGreaterThan(100);
  });

  it('turns an error answer into a remote_error with GraphHopper\'s message and without the key', async () => {
    const sut = new GraphHopperProvider({ url, apiKey: API_KEY });
    const error = await sut.matrix([points[0], { lng: 10, lat: 70 }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DistanceError);
    expect((error as DistanceError).code).toBe('remote_error');
    expect((error as DistanceError).message).toMatch(/Point 1 is out of bounds/);
    expect((error as DistanceError).message).not.toContain(API_KEY);
    await expect(sut.route([points[0], { lng: 10, lat: 70 }])).rejects.toMatchObject({ code: 'remote_error' });
  });

  it('reports a server that does not answer as remote_unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const sut = new GraphHopperProvider({ url: `http://127.0.0.1:${port}`, apiKey: API_KEY, timeoutMs: 2000 });
    const error = await sut.matrix(points.slice(0, 2)).catch((e: unknown) => e);
    expect((error as DistanceError).code).toBe('remote_unreachable');
    expect((error as DistanceError).message).not.toContain(API_KEY);
  });
});
