import { performance } from 'node:perf_hooks';
import { formatReport, runPayloadFuzz } from './payload-fuzz';

/**
 * `npm run fuzz [-- --count N] [-- --seed S]`: generated and mutated payloads of the three formats
 * through the ingest's parser (1,000,000 by default). Prints counts per format and outcome and
 * ends with `fuzz payloads=<n> accepted=<n> rejected=<n> escaped=<n>`; exits 1 when anything escaped.
 */
function main(): void {
  const args = process.argv.slice(2);
  const flag = (name: string): string | undefined => {
    const at = args.indexOf(`--${name}`);
    return at >= 0 ? args[at + 1] : process.env[`FUZZ_${name.toUpperCase()}`];
  };
  const count = Number(flag('count') ?? 1_000_000);
  const seed = flag('seed') === undefined ? undefined : Number(flag('seed'));
  if (!Number.isSafeInteger(count) || count < 1 || (seed !== undefined && !Number.isSafeInteger(seed))) {
    process.stderr.write('usage: npm run fuzz -- [--count N] [--seed S]\n');
    process.exit(2);
  }
  const began = performance.now();
  const report = runPayloadFuzz({ count, seed, onProgress: (done) => process.stderr.write(`  ${done} payloads, ${((performance.now() - began) / 1000).toFixed(0)} s\n`) });
  for (const line of formatReport(report, (performance.now() - began) / 1000)) process.stdout.write(`${line}\n`);
  process.exit(report.escaped > 0 ? 1 : 0);
}

main();
