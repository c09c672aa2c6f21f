/**
 * Routing benchmark: solves benchmark instances with the library's solver,
 * checks every solution with the independent checker, compares with the
 * best-known solutions and prints a Markdown table (also written to
 * bench/out/). The last line is the summary other tools parse:
 *   routing set=<name> instances=<n> avg_gap_pct=<x> max_gap_pct=<x> infeasible=<n> [beaten=<n>] seconds_per_instance=<t>
 * (`beaten` on sets with published rows, the waste-collection set: see
 * bench/routing/README.md for its definition and the rules of that set).
 *
 * Usage:
 *   npm run bench:routing -- --set X --time 30 --instances 5
 *   npm run bench:routing -- --set solomon --time 10
 *   npm run bench:routing -- --set kim --time-factor 0.1
 *   npm run bench:routing -- --file path/to/any.vrp --time 5
 * Options: --set X|A|B|P|CMT|classic|solomon|kim (or a folder), --file <path>
 * (repeatable), --time <s per instance>, --time-factor <s per customer>,
 * --instances <first n>, --seed <n>, --dimacs (Solomon with DIMACS
 * truncation against the proven optima), --fleet <n>, --out <dir>,
 * --clock cpu|wall (default cpu: the budget is CPU time of this process,
 * as the peer figures in the benchmarks README are; wall is reported too),
 * --jobs <n> (n instances at a time, each in its own process and CPU clock),
 * --iterations <n> (stop each solve after n genetic iterations instead of a
 * time budget: the same seed then gives the same solutions on any machine and
 * under any load, which makes a before/after comparison of the solver exact;
 * seconds_per_instance is then the mean CPU time used).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sharedPath } from '@vulgraad/config';
import { solve } from '@vulgraad/routing';
import { beatsBestPublished, conventionFromCsv, publishedRows, referenceFor } from './bks';
import { checkSolution } from './checker';
import { KIM_FIXED_COST, toBenchRoutes, toProblem } from './convert';
import { type DistanceConvention, readInstance } from './formats';

interface Args {
  set: string | null;
  files: string[];
  timeS: number | null;
  timeFactor: number | null;
  instances: number | null;
  seed: number;
  dimacs: boolean;
  fleet: number | null;
  out: string;
  clock: 'cpu' | 'wall';
  jobs: number;
  /** Genetic iterations per instance; replaces the time budget when set. */
  iterations: number | null;
  /** Internal: solve the --file instances and print one JSON result per line (a --jobs child). */
  child: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { set: null, files: [], timeS: null, timeFactor: null, instances: null, seed: 1, dimacs: false, fleet: null, out: path.join(__dirname, '..', 'out'), clock: 'cpu', jobs: 1, iterations: null, child: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--set') args.set = value();
    else if (a === '--file') args.files.push(value());
    else if (a === '--time') args.timeS = Number(value());
    else if (a === '--time-factor') args.timeFactor = Number(value());
    else if (a === '--instances') args.instances = Number(value());
    else if (a === '--seed') args.seed = Number(value());
    else if (a === '--dimacs') args.dimacs = true;
    else if (a === '--fleet') args.fleet = Number(value());
    else if (a === '--out') args.out = value();
    else if (a === '--jobs') args.jobs = Math.max(1, Math.floor(Number(value())));
    else if (a === '--child') args.child = true;
    else if (a === '--iterations') {
      args.iterations = Math.floor(Number(value()));
      if (!(args.iterations > 0)) throw new Error('--iterations is a whole number above 0');
    }
    else if (a === '--clock') {
      const c = value();
      if (c !== 'cpu' && c !== 'wall') throw new Error('--clock is cpu or wall');
      args.clock = c;
    }
    else if (a === '--help' || a === '-h') {
      console.log('see the header of bench/routing/run.ts');
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  if (!args.set && args.files.length === 0) args.set = 'X';
  return args;
}

const SETS: Record<string, string[]> = {
  X: ['cvrp', 'X'],
  A: ['cvrp', 'classic', 'A'],
  B: ['cvrp', 'classic', 'B'],
  P: ['cvrp', 'classic', 'P'],
  CMT: ['cvrp', 'classic', 'CMT'],
  solomon: ['vrptw', 'solomon'],
  kim: ['wcvrptw'],
};

function sizeOf(file: string): number {
  const m = /n(\d+)|^(\d+)_stop|CMT(\d+)/.exec(path.basename(file));
  return m ? Number(m[1] ?? m[2] ?? m[3]) : 0;
}

function instanceFiles(args: Args): { name: string; files: string[] } {
  if (args.files.length > 0) return { name: args.set ?? 'files', files: args.files };
  const set = args.set as string;
  let folders: string[];
  if (set === 'classic') folders = ['A', 'B', 'P', 'CMT'].map((s) => sharedPath('benchmarks', ...SETS[s]) ?? '');
  else if (SETS[set]) folders = [sharedPath('benchmarks', ...SETS[set]) ?? ''];
  else folders = [set];
  if (folders.some((f) => f === '')) throw new Error(`benchmark set ${set} not found: the shared folder (VULGRAAD_SHARED_DIR or ../shared) is absent`);
  const files = folders.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => /\.(vrp|txt)$/i.test(f) && !/^(README|PROVENANCE|UPSTREAM)/i.test(f))
      .map((f) => path.join(dir, f)),
  );
  files.sort((a, b) => sizeOf(a) - sizeOf(b) || a.localeCompare(b));
  return { name: set, files: args.instances ? files.slice(0, args.instances) : files };
}

/** One instance's result: its table row and the figures of the summary line. */
interface Outcome {
  row: string;
  budgetS: number;
  ok: boolean;
  gap: number;
  published: boolean;
  beaten: boolean;
}

/** Solves and checks one instance file. */
function solveOne(file: string, args: Args): Outcome {
  const base = path.basename(file).replace(/\.(vrp|txt)$/i, '');
  const convention: DistanceConvention | undefined = args.dimacs ? 'dimacs' : conventionFromCsv(file, base);
  const inst = readInstance(file, convention);
  const customers = inst.customers.length;
  let budgetS = args.timeFactor !== null ? args.timeFactor * customers : (args.timeS ?? 10);
  // Classic A/B/P: the k in the name is the fleet of the literature.
  let fleet = args.fleet ?? undefined;
  if (fleet === undefined && /^[ABP]-n\d+-k(\d+)$/.test(base)) fleet = Number(/-k(\d+)$/.exec(base)?.[1]);
  const ref = referenceFor(file, inst.format === 'vrplib' ? inst.name : base, args.dimacs);
  let fixedCost: number | undefined;
  if (inst.format === 'kim') {
    // With published results: as many trucks as the best published row (the shortest one), never
    // fewer than the daily load limit allows, and the shortest distance with them; `beaten` counts
    // the instances where that row is matched or beaten with no more trucks. Without one: fewer
    // trucks first (a fixed cost per truck).
    const best = ref ? publishedRows(ref)[0] : undefined;
    if (fleet === undefined && best?.vehicles !== undefined) fleet = Math.max(kimMinRoutes(inst), best.vehicles);
    fixedCost = fleet === undefined ? KIM_FIXED_COST : 0;
  }
  const problem = toProblem(inst, { fleet, fixedCost });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const cpuMs = (): number => {
    const used = process.cpuUsage(cpu0);
    return (used.user + used.system) / 1000;
  };
  const limits = args.iterations !== null ? { maxIterations: args.iterations } : { timeLimitMs: budgetS * 1000 };
  const solution = solve(problem, { seed: args.seed, ...limits }, args.clock === 'cpu' ? { clock: cpuMs } : {});
  const seconds = (performance.now() - t0) / 1000;
  const cpuSeconds = cpuMs() / 1000;
  if (args.iterations !== null) budgetS = cpuSeconds;
  const fleetLimit = inst.format === 'solomon' ? inst.vehicles : fleet;
  const check = checkSolution(inst, toBenchRoutes(problem, solution), fleetLimit);
  const ok = check.feasible && solution.unserved.length === 0;
  let gap = NaN;
  if (ref) gap = (100 * (check.cost - ref.cost)) / ref.cost;
  // Published rows this solution is at least as good as: no more vehicles and no longer distance.
  let versus = '-';
  let published = false;
  let beaten = false;
  if (ref && inst.format === 'kim') {
    published = true;
    const matched = publishedRows(ref).filter((r) => r.vehicles !== undefined && check.vehicles <= r.vehicles && check.cost <= r.cost + 1e-9);
    beaten = beatsBestPublished(ref, { feasible: ok, vehicles: check.vehicles, cost: check.cost });
    versus = matched.length > 0 ? `beats ${matched.map((r) => `${fixed(r.cost, 1)}/${r.vehicles}v`).join(', ')}` : 'no';
  }
  const refText = ref ? `${fixed(ref.cost)}${ref.others ? ` (also ${ref.others.map((o) => `${fixed(o.cost)}/${o.vehicles}v`).join(', ')})` : ''}` : '-';
  const row =
    `| ${inst.name} | ${customers} | ${check.vehicles} | ${fixed(check.cost)} | ${refText} | ${ref?.vehicles ?? '-'} | ${fixed(gap, 3)} | ${versus} | ${fixed(cpuSeconds, 1)} | ${fixed(seconds, 1)} | ${solution.stats.iterations} | ${ok ? 'yes' : `NO: ${check.violations.slice(0, 2).join('; ')}${solution.unserved.length ? `; ${solution.unserved.length} unserved` : ''}`} |`;
  return { row, budgetS, ok, gap, published, beaten };
}

/**
 * `--jobs n`: the instances are solved n at a time, each in a child process of
 * its own, so that each budget is still the CPU time of the process that
 * solves it (results come back as JSON lines, in the set's order).
 */
async function solveInChildren(files: string[], args: Args): Promise<Outcome[]> {
  const passOn: string[] = [];
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--jobs' || argv[i] === '--set' || argv[i] === '--file' || argv[i] === '--instances' || argv[i] === '--out') i++;
    else passOn.push(argv[i]);
  }
  const results: Outcome[] = new Array(files.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const k = next++;
      results[k] = await new Promise<Outcome>((resolve, reject) => {
        const child = spawn(process.execPath, [...process.execArgv, __filename, '--child', '--file', files[k], ...passOn], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
        });
        child.on('error', reject);
        child.on('close', (code) => {
          const line = out.trim().split('\n').pop() ?? '';
          if (code !== 0 || !line.startsWith('{')) reject(new Error(`${files[k]}: child exited with ${code}`));
          else resolve(JSON.parse(line) as Outcome);
        });
      });
      console.error(`(${path.basename(files[k])} done)`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(args.jobs, files.length) }, () => worker()));
  return results;
}

/** Fewest routes the daily load limit allows on a waste instance. */
function kimMinRoutes(inst: ReturnType<typeof readInstance>): number {
  let load = 0;
  for (const c of inst.customers) load += inst.demand[c];
  return inst.routeCapacity ? Math.ceil(load / inst.routeCapacity - 1e-9) : 1;
}

function fixed(x: number, digits = 2): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '-';
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) {
    for (const file of args.files) console.log(JSON.stringify(solveOne(file, args)));
    return;
  }
  void report(args);
}

async function report(args: Args): Promise<void> {
  const { name: setName, files } = instanceFiles(args);
  const lines: string[] = [];
  const print = (line: string): void => {
    lines.push(line);
    console.log(line);
  };
  const started = new Date();
  print(`# Routing benchmark: ${setName}`);
  print('');
  print(`${started.toISOString()}, ${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, node ${process.version}, seed ${args.seed}`);
  print('');
  if (args.iterations !== null) print(`Budget per instance: ${args.iterations} genetic iterations (seconds_per_instance below is the mean CPU time used).`);
  else print(`Budget per instance measured in ${args.clock === 'cpu' ? 'CPU seconds of this process' : 'wall-clock seconds'}; both are shown.`);
  print('');
  print('| instance | customers | vehicles | cost | reference | ref. vehicles | gap % | vs published | cpu s | wall s | iterations | feasible |');
  print('|---|---|---|---|---|---|---|---|---|---|---|---|');
  const gaps: number[] = [];
  let infeasible = 0;
  let published = 0;
  let beaten = 0;
  let budgetSum = 0;
  const outcomes = args.jobs > 1 ? await solveInChildren(files, args) : files.map((file) => solveOne(file, args));
  for (const o of outcomes) {
    budgetSum += o.budgetS;
    if (!o.ok) infeasible++;
    if (Number.isFinite(o.gap)) gaps.push(o.gap);
    if (o.published) published++;
    if (o.beaten) beaten++;
    print(o.row);
  }
  const avg = gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length : NaN;
  const max = gaps.length ? Math.max(...gaps) : NaN;
  print('');
  print(`Gap = 100 * (cost - reference) / reference, cost recomputed by the checker from the instance file; ${gaps.length} of ${files.length} instances have a reference.`);
  print('');
  if (published > 0) {
    print(`beaten: the best published row (lowest distance) is matched or beaten, feasible, with no more vehicles: ${beaten} of ${published} instances with published rows (the "vs published" column lists every row the solution is at least as good as).`);
    print('');
  }
  const summary = `routing set=${setName} instances=${files.length} avg_gap_pct=${fixed(avg, 3)} max_gap_pct=${fixed(max, 3)} infeasible=${infeasible}${published > 0 ? ` beaten=${beaten}` : ''} seconds_per_instance=${fixed(files.length ? budgetSum / files.length : 0, 1)}`;
  mkdirSync(args.out, { recursive: true });
  const outFile = path.join(args.out, `routing-${setName.replace(/[^\w.-]+/g, '_')}-${started.toISOString().replace(/[:.]/g, '-')}.md`);
  writeFileSync(outFile, `${[...lines, summary].join('\n')}\n`);
  console.log(`(written to ${path.relative(process.cwd(), outFile)})`);
  console.log(summary);
}

main();
