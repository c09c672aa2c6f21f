import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ScenarioRecord } from './support/scenario-record';

/**
 * `npm run test:faults`: runs every test under test/faults (each starts its
 * own PostgreSQL, Mosquitto and Redis to stop and start), then prints as its
 * last line `faults scenarios=<n> passed=<n> lost=<n> duplicated=<n>`.
 * Scenarios and passed come from Jest's own results, lost and duplicated
 * from what each scenario counted. Exits non-zero unless every scenario passed
 * with nothing lost or duplicated.
 */
const root = path.resolve(__dirname, '..', '..');
const work = mkdtempSync(path.join(tmpdir(), 'vulgraad-faults-'));
const resultsFile = path.join(work, 'scenarios.jsonl');
const jestJson = path.join(work, 'jest.json');

const run = spawnSync(
  process.execPath,
  [require.resolve('jest/bin/jest'), '--selectProjects', 'faults', '--runInBand', '--json', '--outputFile', jestJson, 'test/faults/', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env: { ...process.env, VULGRAAD_FAULTS: '1', FAULTS_RESULTS_FILE: resultsFile } },
);

let scenarios = 0;
let passed = 0;
if (existsSync(jestJson)) {
  const report = JSON.parse(readFileSync(jestJson, 'utf8')) as { numTotalTests: number; numPassedTests: number };
  scenarios = report.numTotalTests;
  passed = report.numPassedTests;
}
const records: ScenarioRecord[] = existsSync(resultsFile)
  ? readFileSync(resultsFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as ScenarioRecord)
  : [];
for (const r of records) process.stdout.write(`[faults] ${r.scenario}: lost=${r.lost} duplicated=${r.duplicated}${r.details ? ` ${JSON.stringify(r.details)}` : ''}\n`);
const lost = records.reduce((sum, r) => sum + r.lost, 0);
const duplicated = records.reduce((sum, r) => sum + r.duplicated, 0);
rmSync(work, { recursive: true, force: true });

process.stdout.write(`faults scenarios=${scenarios} passed=${passed} lost=${lost} duplicated=${duplicated}\n`);
const ok = run.status === 0 && scenarios > 0 && passed === scenarios && lost === 0 && duplicated === 0;
process.exit(ok ? 0 : 1);
