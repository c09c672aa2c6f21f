import path from 'node:path';
import { bandFor, worldPx } from '@vulgraad/basemap';
import { createScratchDatabase, type ScratchDatabase } from '@vulgraad/database';
import { testPostgresUrl } from '../support/services';
import { ADMIN_PASSWORD, call, login, startGateway, type RunningGateway } from './support/gateway-app';

const BASEMAP = path.resolve(__dirname, '..', '..', 'apps', 'all-in-one', 'demo-data', 'amsterdam', 'basemap.json');

/** The tile of zoom z holding a position. */
function tileOf(lng: number, lat: number, z: number): [number, number] {
  const [x, y] = worldPx(lng, lat);
  return [Math.floor((x * 2 ** z) / 256), Math.floor((y * 2 ** z) / 256)];
}

// The offline base map through the gateway: configured by GATEWAY_BASEMAP, announced in the map
// config with its attribution, served as vector tiles to a logged-in user, bad tile addresses
// refused with the field named.
describe('the base map endpoints', () => {
  let scratch: ScratchDatabase;
  let gw: RunningGateway;
  let bare: RunningGateway;
  let token: string;

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'gwbasemap' });
    gw = await startGateway({ db: scratch.db, env: { GATEWAY_BASEMAP: BASEMAP } });
    bare = await startGateway({ db: scratch.db });
    token = await login(gw.url, 'admin', ADMIN_PASSWORD);
  });
  afterAll(async () => {
    await gw?.close();
    await bare?.close();
    await scratch?.drop();
  });

  it('announces the base map with its bands and attribution', async () => {
    const config = await call<{ basemap: { bands: number[]; attribution: string; features: number } | null }>(`${gw.url}/api/map/config`, { token });
    expect(config.status).toBe(200);
    expect(config.body.basemap).toEqual({ bands: [10, 12, 14, 16], attribution: '© OpenStreetMap contributors (ODbL) · Containers: Gemeente Amsterdam', features: expect.any(Number) });
    expect(config.body.basemap!.features).toBeGreaterThan(1000);
    const none = await call<{ basemap: unknown }>(`${bare.url}/api/map/config`, { token: await login(bare.url, 'admin', ADMIN_PASSWORD) });
    expect(none.body.basemap).toBeNull();
  });

  it('serves a street-level tile of Westermarkt with its named streets, to a logged-in user only', async () => {
    const [x, y] = tileOf(4.8836, 52.3746, bandFor(17));
    const tile = await call<{ extent: number; features: Array<[number, string, string | null, number, number[][]]> }>(`${gw.url}/api/map/basemap/16/${x}/${y}`, { token });
    expect(tile.status).toBe(200);
    expect(tile.body.extent).toBe(4096);
    const names = tile.body.features.map((f) => f[2]).filter((n): n is string => n !== null);
    expect(names).toEqual(expect.arrayContaining(['Westermarkt']));
    expect((await call(`${gw.url}/api/map/basemap/16/${x}/${y}`)).status).toBe(401);
  });

  it('refuses a tile that is not there, naming the field, and says when no base map is configured', async () => {
    const badX = await call<{ field?: string }>(`${gw.url}/api/map/basemap/16/abc/1`, { token });
    expect(badX.status).toBe(400);
    expect(badX.body.field).toBe('x');
    const badZ = await call<{ field?: string; message: string }>(`${gw.url}/api/map/basemap/15/1/1`, { token });
    expect(badZ.status).toBe(400);
    expect(badZ.body.field).toBe('z');
    const missing = await call(`${bare.url}/api/map/basemap/16/1/1`, { token: await login(bare.url, 'admin', ADMIN_PASSWORD) });
    expect(missing.status).toBe(404);
  });
});
