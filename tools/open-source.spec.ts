import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

// The licence, the catalogue entry, the changelog and package.json must say the
// same thing: a release that raises one and forgets another is caught here.
const root = path.resolve(__dirname, '..');
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');

interface PackageJson {
  version: string;
  license: string;
}
interface PackageLock {
  version: string;
  packages: Record<string, { version?: string; license?: string }>;
}
interface PublicCode {
  publiccodeYmlVersion: string;
  softwareVersion: string;
  softwareType: string;
  legal: { license: string };
  description: Record<string, { shortDescription: string; longDescription: string }>;
}

describe('open-source metadata', () => {
  const pkg = JSON.parse(read('package.json')) as PackageJson;

  it('ships the EUPL-1.2 licence text and names it in package.json and the lock file', () => {
    const licence = read('LICENSE');
    expect(licence.startsWith('EUROPEAN UNION PUBLIC LICENCE v. 1.2\n')).toBe(true);
    expect(licence).toContain('‘Compatible Licences’ according to Article 5 EUPL are:');
    expect(pkg.license).toBe('EUPL-1.2');
    const lock = JSON.parse(read('package-lock.json')) as PackageLock;
    expect(lock.version).toBe(pkg.version);
    expect(lock.packages['']).toMatchObject({ version: pkg.version, license: pkg.license });
  });

  it('describes the same version and licence in publiccode.yml, within the standard limits', () => {
    const publiccode = parse(read('publiccode.yml')) as PublicCode;
    expect(publiccode.publiccodeYmlVersion).toBe('0.4');
    expect(publiccode.softwareVersion).toBe(pkg.version);
    expect(publiccode.legal.license).toBe(pkg.license);
    expect(publiccode.softwareType).toBe('standalone/backend');
    expect(Object.keys(publiccode.description).sort()).toEqual(['en', 'nl']);
    for (const text of Object.values(publiccode.description)) {
      expect(text.shortDescription.length).toBeLessThanOrEqual(150);
      expect(text.longDescription.length).toBeGreaterThanOrEqual(150);
      expect(text.longDescription.length).toBeLessThanOrEqual(10000);
    }
  });

  it('opens the changelog with the version package.json carries', () => {
    const firstRelease = /^## \[(\d+\.\d+\.\d+)\]/m.exec(read('CHANGELOG.md'));
    expect(firstRelease?.[1]).toBe(pkg.version);
  });
});
