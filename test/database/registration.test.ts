import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sharedPath } from '@vulgraad/config';
import { ContainersRepository, createScratchDatabase, DevicesRepository, DisposalSitesRepository, type ScratchDatabase } from '@vulgraad/database';
import { applyRegistrations, readRegistrations } from '@vulgraad/registration';
import { parseArgs, run } from '../../apps/cli/src/main';
import { testPostgresUrl } from '../support/services';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const dir = mkdtempSync(path.join(tmpdir(), 'vulgraad-registration-'));
const file = (name: string, content: string): string => {
  const full = path.join(dir, name);
  writeFileSync(full, content);
  return full;
};

describe('registration (apps/cli)', () => {
  let scratch: ScratchDatabase;
  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'registration' });
  }, 60_000);
  afterAll(async () => {
    await scratch?.drop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('registers containers and devices from CSV, twice without change, and keeps history over a sensor swap', async () => {
    const csv = [
      'external_ref,lng,lat,district,waste_type,volume_l,depth_mm,device_id,bound_from',
      'R-1,4.90,52.37,Centrum,residual,5000,2300,s-1,2025-01-01T00:00:00Z',
      'R-2,4.91,52.38,Centrum,paper,3000,2000,s-2,2025-01-01T00:00:00Z',
    ].join('\n');
    const set = readRegistrations('a.csv', csv, { boundFrom: new Date() });
    expect(await applyRegistrations(scratch.db, set)).toMatchObject({ containers: 2, devices: 2, bindingsOpened: 2 });
    expect(await applyRegistrations(scratch.db, set)).toMatchObject({ containers: 2, devices: 2, bindingsOpened: 0 });

    const swap = readRegistrations('swap.csv', ['external_ref,lng,lat,district,waste_type,volume_l,depth_mm,device_id,bound_from', 'R-1,4.90,52.37,Centrum,residual,5000,2300,s-9,2026-03-01T00:00:00Z'].join('\n'), { boundFrom: new Date() });
    expect(await applyRegistrations(scratch.db, swap)).toMatchObject({ bindingsOpened: 1 });
    const [container] = await new ContainersRepository(scratch.db).findByExternalRefs(['R-1']);
    const history = await new DevicesRepository(scratch.db).bindingsOfContainer(container!.id);
    const devices = await new DevicesRepository(scratch.db).findByRefs(['s-1', 's-9']);
    const refOf = new Map(devices.map((d) => [d.id, d.externalRef]));
    expect(history.map((b) => [refOf.get(b.deviceId), b.validFrom.toISOString(), b.validTo?.toISOString() ?? null])).toEqual([
      ['s-1', '2025-01-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'],
      ['s-9', '2026-03-01T00:00:00.000Z', null],
    ]);
  });

  it('registers GeoJSON containers, depots and disposal sites through the command line entry', async () => {
    const geojson = file('city.geojson', JSON.stringify({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: { type: 'Point', coordinates: [4.95, 52.36] }, properties: { external_ref: 'G-1', district: 'Oost', waste_type: 'glass', volume_l: 3000 } },
        { type: 'Feature', geometry: { type: 'Point', coordinates: [4.8, 52.35] }, properties: { kind: 'depot', id: 'depot-west', name: 'Depot West' } },
        { type: 'Feature', geometry: { type: 'Point', coordinates: [4.85, 52.4] }, properties: { kind: 'disposal_site', id: 'aeb', name: 'AEB', fractions: ['residual'], open_from_min: '06:00', open_to_min: '22:00' } },
      ],
    }));
    const { stdout } = await promisify(execFile)(process.execPath, ['-r', './tools/register.js', 'apps/cli/src/main.ts', 'register', geojson], {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: scratch.url },
    });
    expect(stdout).toMatch(/registered 1 containers, 0 devices .* 1 depots, 1 disposal sites/);
    const sites = await new DisposalSitesRepository(scratch.db).list();
    expect(sites).toEqual([expect.objectContaining({ id: 'aeb', fractions: ['residual'], openFromMin: 360, openToMin: 1320 })]);
  }, 60_000);

  // The Amsterdam clusters live in the shared data folder next to the repository, not in it.
  const withAmsterdam = sharedPath('data', 'amsterdam', 'containers', 'rest_clusters_2020-2021.csv') ? it : it.skip;
  withAmsterdam('loads the Amsterdam demo city with one sensor per cluster, as the sensor simulator plans them', async () => {
    const lines = await run(scratch.db, parseArgs(['load-amsterdam', '--limit', '40', '--devices', 'mixed', '--seed', '3']));
    expect(lines.at(-1)).toMatch(/registered 40 containers, 40 devices \(40 new bindings\)/);
    const districts = await scratch.db.query<{ n: number }>("SELECT count(DISTINCT district)::int AS n FROM containers WHERE id LIKE 'ams-%'");
    expect(districts.rows[0]!.n).toBeGreaterThan(1);
    const apps = await scratch.db.query<{ application_id: string }>('SELECT application_id FROM lorawan_applications');
    expect(apps.rows.length).toBeGreaterThan(0);
    const again = await run(scratch.db, parseArgs(['load-amsterdam', '--limit', '40', '--devices', 'mixed', '--seed', '3']));
    expect(again.at(-1)).toMatch(/\(0 new bindings\)/);
  }, 60_000);
});
