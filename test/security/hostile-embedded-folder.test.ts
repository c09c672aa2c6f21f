import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type AllInOneProcess, startAllInOneProcess } from '../all-in-one/support/all-in-one-process';
import { uniqueName } from '../ingest/harness';

jest.setTimeout(300_000);

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** `npm run cli -- <args>` as a person runs it, on the given environment. */
function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', './tools/register.js', 'apps/cli/src/main.ts', ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

// The embedded database's folder opened twice: the CLI while `npm start` runs on it. PGlite has one
// writer; a second process left the folder unreadable ("Aborted()") or lost a write. The second
// opener is now refused and the folder stays whole.
describe('probes: two processes on one embedded database folder', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vulgraad-folder-probe-'));
  const env = {
    PGLITE_DATA_DIR: dataDir,
    DATABASE_URL: '',
    MQTT_URL: '',
    MQTT_USERNAME: '',
    MQTT_PASSWORD: '',
    REDIS_URL: '',
    GATEWAY_PORT: '0',
    EMBEDDED_MQTT_PORT: '0',
    DEMO_SIMULATOR: 'false',
    INGEST_CLIENT_ID: `vulgraad-ingest-${uniqueName('folder')}`,
    DB_MAINTENANCE_INTERVAL_S: '0',
    LOG_LEVEL: 'warn',
  };
  let system: AllInOneProcess | null = null;

  afterAll(() => {
    system?.kill();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}.lock`, { force: true });
  });

  it('probe 8: the CLI is refused while npm start has the folder, and opens it once npm start has stopped', async () => {
    system = await startAllInOneProcess(env);
    const refused = await cli(['mqtt-account', 'probe-service', '--kind', 'service'], env);
    expect(refused.output).toMatch(/the embedded database in .* is open in process \d+/);
    expect(refused.code).toBe(1);

    expect(await system.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    system = null;
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
    const written = await cli(['mqtt-account', 'probe-service', '--kind', 'service'], env);
    expect(written.output).toMatch(/^password: /m);
    expect(written.code).toBe(0);
    const summary = await cli(['summary'], env);
    expect(summary.code).toBe(0);
  });
});
