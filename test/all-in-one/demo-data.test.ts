import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sharedPath } from '@vulgraad/config';

const REPO = path.resolve(__dirname, '..', '..');
const COMMITTED = path.join(REPO, 'apps', 'all-in-one', 'demo-data', 'amsterdam');
// The build reads the shared Amsterdam data; a clone without it (as a user's machine) cannot rebuild, only run the result.
const maybe = sharedPath('data', 'amsterdam', 'containers', 'rest_clusters_2020-2021.csv') ? describe : describe.skip;

function files(folder: string, under = ''): string[] {
  return readdirSync(path.join(folder, under)).flatMap((name) => {
    const rel = path.join(under, name);
    return statSync(path.join(folder, rel)).isDirectory() ? files(folder, rel) : [rel];
  });
}

maybe('the shipped Amsterdam demo data', () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(path.join(tmpdir(), 'vulgraad-demo-data-'));
    execFileSync(process.execPath, ['-r', './tools/register.js', 'tools/build-demo-city.ts', '--out', out], { cwd: REPO, stdio: 'pipe' });
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('is what tools/build-demo-city.ts makes from the shared files, byte for byte', () => {
    expect(files(out).sort()).toEqual(files(COMMITTED).sort());
    for (const file of files(COMMITTED)) expect({ file, same: readFileSync(path.join(out, file)).equals(readFileSync(path.join(COMMITTED, file))) }).toEqual({ file, same: true });
  });

  it('stays small, and carries its attribution and licence', () => {
    const bytes = files(COMMITTED).reduce((s, f) => s + statSync(path.join(COMMITTED, f)).size, 0);
    expect(bytes).toBeLessThan(5 * 1024 * 1024);
    const attribution = readFileSync(path.join(COMMITTED, 'ATTRIBUTION.md'), 'utf8');
    expect(attribution).toMatch(/© OpenStreetMap contributors/);
    expect(attribution).toMatch(/Open Database License 1\.0 \(ODbL\)/);
    expect(attribution).toMatch(/Gemeente Amsterdam/);
    expect(attribution).toMatch(/placed by vulgraad/);
    expect(readFileSync(path.join(COMMITTED, 'LICENSE.md'), 'utf8')).toMatch(/Open Database License 1\.0/);
  });
});
