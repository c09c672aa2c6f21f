/**
 * npm run test:security: runs the security tests (test/security) with Jest
 * and counts the probes among them, the tests whose name starts with
 * "probe ": each one a door a hostile device or user could open. A probe that
 * passes is closed, one that fails or did not run is open. A probe file that
 * could not run at all counts as one open probe. Ends with
 * `security probes=<n> closed=<n> open=<n>` and exits non-zero when a probe is
 * open or any other security test failed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

interface JestJson {
  testResults: Array<{
    name: string;
    message: string;
    assertionResults: Array<{ title: string; fullName: string; status: string; failureMessages: string[] }>;
  }>;
}

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const dir = mkdtempSync(path.join(tmpdir(), 'vulgraad-security-'));
const outputFile = path.join(dir, 'results.json');
const jest = spawnSync(
  process.execPath,
  [require.resolve('jest/bin/jest'), '--selectProjects', 'medium', '--runInBand', '--json', '--outputFile', outputFile, 'test/security/'],
  { cwd: REPO_ROOT, stdio: 'inherit' },
);

let results: JestJson = { testResults: [] };
try {
  results = JSON.parse(readFileSync(outputFile, 'utf8')) as JestJson;
} catch {
  process.stdout.write('Jest wrote no results\n');
}
rmSync(dir, { recursive: true, force: true });

let probes = 0;
let closed = 0;
let otherFailures = 0;
const openLines: string[] = [];
const ran = new Set<string>();
for (const file of results.testResults) {
  const relative = path.relative(REPO_ROOT, file.name);
  ran.add(relative);
  const probeTests = file.assertionResults.filter((a) => a.title.startsWith('probe '));
  if (path.basename(relative).startsWith('hostile-') && probeTests.length === 0) {
    probes++;
    openLines.push(`open: ${relative} did not run: ${file.message.split('\n').find((l) => l.trim()) ?? 'no tests'}`);
  }
  for (const test of file.assertionResults) {
    const isProbe = test.title.startsWith('probe ');
    if (isProbe) probes++;
    if (test.status === 'passed') {
      if (isProbe) closed++;
    } else if (isProbe) {
      openLines.push(`open: ${test.fullName} (${test.status})`);
    } else if (test.status === 'failed') {
      otherFailures++;
    }
  }
}
// A probe file Jest never reported (it did not match, or Jest stopped first) is open as well.
for (const name of readdirSync(path.join(REPO_ROOT, 'test', 'security')).filter((f) => f.startsWith('hostile-') && f.endsWith('.test.ts'))) {
  const relative = path.join('test', 'security', name);
  if (ran.has(relative)) continue;
  probes++;
  openLines.push(`open: ${relative} was not run`);
}

for (const line of openLines) process.stdout.write(`${line}\n`);
if (otherFailures > 0) process.stdout.write(`${otherFailures} other security tests failed\n`);
const open = probes - closed;
process.stdout.write(`security probes=${probes} closed=${closed} open=${open}\n`);
process.exit(open > 0 || otherFailures > 0 || jest.status !== 0 ? 1 : 0);
