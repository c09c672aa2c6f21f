import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { FolderInUseError, lockDataFolder } from './folder-lock';

describe(lockDataFolder.name, () => {
  const root = mkdtempSync(path.join(tmpdir(), 'vulgraad-lock-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('lets one holder in at a time, and the next once it has released', () => {
    const folder = path.join(root, 'a');
    const sut = lockDataFolder(folder);
    expect(() => lockDataFolder(folder)).toThrow(FolderInUseError);
    sut.release();
    expect(existsSync(`${folder}.lock`)).toBe(false);
    lockDataFolder(folder).release();
  });

  it('takes over a lock whose process is gone, and respects one of another host', () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    const folder = path.join(root, 'b');
    writeFileSync(`${folder}.lock`, JSON.stringify({ pid: gone, host: hostname(), since: '2026-01-01T00:00:00Z' }));
    lockDataFolder(folder).release();
    writeFileSync(`${folder}.lock`, JSON.stringify({ pid: gone, host: 'elsewhere', since: '2026-01-01T00:00:00Z' }));
    expect(() => lockDataFolder(folder)).toThrow(/open in process/);
  });
});
