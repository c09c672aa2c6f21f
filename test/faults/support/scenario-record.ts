import { appendFileSync } from 'node:fs';

/** What one fault scenario found: readings (or jobs, or states) lost and stored more than once. */
export interface ScenarioRecord {
  scenario: string;
  lost: number;
  duplicated: number;
  /** Figures worth printing (outage length, memory, counts). */
  details?: Record<string, unknown>;
}

/**
 * Appends the scenario's counts to the file `npm run test:faults` reads for
 * its closing line (FAULTS_RESULTS_FILE); outside that run it only prints
 * them. Call it before asserting, so a failing scenario still reports what it lost.
 */
export function recordScenario(record: ScenarioRecord): void {
  const line = JSON.stringify(record);
  const file = process.env.FAULTS_RESULTS_FILE;
  if (file) appendFileSync(file, `${line}\n`);
  else process.stdout.write(`[faults] ${line}\n`);
}
