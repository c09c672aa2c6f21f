import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createScratchDatabase, type ScratchDatabase } from '@vulgraad/database';
import { testPostgresUrl, testRedisUrl } from '../support/services';

jest.setTimeout(600_000);

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const run = promisify(execFile);

/** Starts a compiled main.js on plain node and resolves with the port it logs once it listens. */
function startCompiled(main: string, env: Record<string, string>, probe: string): { child: ChildProcess; port: Promise<number>; log: string[] } {
  const log: string[] = [];
  const child = spawn(process.execPath, ['--require', probe, main], { cwd: os.tmpdir(), env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const port = new Promise<number>((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString();
      let newline;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        log.push(line);
        const port = /"msg":"gateway listening".*"port":(\d+)/.exec(line)?.[1];
        if (port) resolve(Number(port));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`compiled gateway exited with ${code} before listening:\n${log.join('\n')}`)));
  });
  return { child, port, log };
}

// `npm run build` as the Docker image runs it: tsc into a folder, then tools/build.js; the compiled gateway then
// starts on plain node (no swc) against the machine's PostgreSQL and Redis, answers, and stops on SIGTERM, having
// loaded neither a TypeScript file, nor swc, nor PGlite (DATABASE_URL is set).
describe('compiled build', () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'vulgraad-dist-'));
  let scratch: ScratchDatabase;

  beforeAll(async () => {
    await run('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', out], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 });
    await run(process.execPath, ['tools/build.js', out], { cwd: REPO_ROOT });
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'deploy_dist' });
  });
  afterAll(async () => {
    await scratch?.drop();
    rmSync(out, { recursive: true, force: true });
  });

  it('runs the gateway from dist on plain node without swc or PGlite', async () => {
    const probe = path.join(out, 'probe.js');
    const loaded = path.join(out, 'loaded.json');
    writeFileSync(probe, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(loaded)}, JSON.stringify(Object.keys(require.cache))));\n`);
    // Node resolves the packages from the repository's node_modules, as the image's /app/node_modules beside dist/.
    const { child, port } = startCompiled(path.join(out, 'apps', 'gateway', 'src', 'main.js'), {
      NODE_PATH: path.join(REPO_ROOT, 'node_modules'),
      DATABASE_URL: scratch.url,
      REDIS_URL: testRedisUrl(),
      GATEWAY_PORT: '0',
      GATEWAY_ADMIN_PASSWORD: 'compiled-admin-password',
      GATEWAY_JWT_SECRET: 'compiled-build-secret-0123456789abcdef',
      GATEWAY_SOCKET_REDIS_PREFIX: `vulgraad-test-dist:${path.basename(out)}`,
      GATEWAY_LOGIN_REDIS_PREFIX: `vulgraad-test-dist:${path.basename(out)}:login`,
      LOG_LEVEL: 'info',
    }, probe);
    const url = `http://127.0.0.1:${await port}`;
    const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'compiled-admin-password' }) });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const containers = await fetch(`${url}/api/containers`, { headers: { authorization: `Bearer ${token}` } });
    expect(containers.status).toBe(200);
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const modules = JSON.parse(readFileSync(loaded, 'utf8')) as string[];
    expect(modules.some((m) => m.includes(`${path.sep}dist`) || m.startsWith(out))).toBe(true);
    expect(modules.filter((m) => m.endsWith('.ts'))).toEqual([]);
    expect(modules.filter((m) => /@swc|pglite/.test(m))).toEqual([]);
  });
});
