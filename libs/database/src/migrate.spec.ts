import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MigrationError, readMigrationSteps } from './migrate';

describe(readMigrationSteps.name, () => {
  const dirs: string[] = [];
  const folder = (files: string[]): string => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vulgraad-migrations-'));
    dirs.push(dir);
    for (const file of files) writeFileSync(path.join(dir, file), 'SELECT 1;');
    return dir;
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('orders steps by number and pairs variant files', () => {
    const sut = readMigrationSteps(folder(['0002_readings.plain.sql', '0001_core.sql', '0002_readings.timescale.sql', 'README.md']));
    expect(sut).toEqual([
      { version: 1, name: 'core', files: { common: '0001_core.sql' } },
      { version: 2, name: 'readings', files: { plain: '0002_readings.plain.sql', timescale: '0002_readings.timescale.sql' } },
    ]);
  });

  it('lists every problem: a lone variant, a name clash, a badly named file', () => {
    let caught: unknown;
    try {
      readMigrationSteps(folder(['0001_core.sql', '0001_other.sql', '0002_readings.plain.sql', '3_bad.sql']));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MigrationError);
    const message = (caught as MigrationError).message;
    expect((caught as MigrationError).code).toBe('bad_migration_files');
    expect(message).toMatch(/3_bad\.sql/);
    expect(message).toMatch(/already named/);
    expect(message).toMatch(/needs both/);
  });

  it('accepts the repository migrations', () => {
    const sut = readMigrationSteps();
    expect(sut.map((s) => s.version)).toEqual([...sut.map((s) => s.version)].sort((a, b) => a - b));
    expect(sut[0]?.version).toBe(1);
  });
});
