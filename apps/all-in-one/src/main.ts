import 'reflect-metadata';
import { ALL_IN_ONE_DEFAULTS, allInOneEnv, ConfigError, loadConfig, type Config } from '@vulgraad/config';
import { startAllInOne, type AllInOne } from './all-in-one';

/**
 * `npm start`: the whole system in one process on embedded parts, with a
 * simulated demo city. Prints the dashboard's address when it is ready;
 * Ctrl-C (SIGINT) or SIGTERM stops it cleanly so the data folder can be
 * opened again.
 */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(allInOneEnv());
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    process.exit(2);
  }
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  say('vulgraad: starting everything in one process');

  let stopping = false;
  const starting = startAllInOne(config, { progress: (line) => say(`  ${line}`) });
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      say(`${signal} again: exiting without waiting`);
      process.exit(130);
    }
    stopping = true;
    say(`${signal}: stopping (the ingest commits what it holds, the database closes cleanly)`);
    // A signal during start-up waits for the start to finish, so the database is never left half made.
    starting
      .then((system) => system.close())
      .then(
        (problems) => {
          for (const problem of problems) process.stderr.write(`${problem}\n`);
          say(problems.length === 0 ? 'stopped' : 'stopped, not cleanly');
          process.exit(problems.length === 0 ? 0 : 1);
        },
        (error: unknown) => {
          process.stderr.write(`stopping failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const system = await starting;
  if (stopping) return;
  say(banner(system, config).join('\n'));
}

function banner(system: AllInOne, config: Config): string[] {
  const demoLogin = config.gateway.adminPassword === ALL_IN_ONE_DEFAULTS.GATEWAY_ADMIN_PASSWORD;
  const login = config.gateway.adminPassword
    ? `log in as ${config.gateway.adminUsername} / ${demoLogin ? config.gateway.adminPassword : '(GATEWAY_ADMIN_PASSWORD)'}`
    : 'no first admin (GATEWAY_ADMIN_PASSWORD is empty)';
  const db = system.database;
  const lines = [
    '',
    `vulgraad is ready: open ${system.url}`,
    `  dashboard    ${system.url}  ${login}`,
    `  API          ${system.url}api/docs (OpenAPI)`,
    `  MQTT         ${system.mqttUrl}${config.core.mqttUrl ? '' : ' (embedded aedes, MQTT 3.1.1)'}`,
    `  database     ${db.kind === 'pglite' ? `embedded PGlite in ${db.where}` : 'PostgreSQL (DATABASE_URL)'}${db.timescale ? ', TimescaleDB' : ''}`,
    `  jobs/events  ${system.jobs} / ${system.events}`,
  ];
  const demo = system.demo;
  if (demo) {
    const districts = new Set(demo.city.containers.map((c) => c.district)).size;
    const fractions = [...new Set(demo.city.containers.map((c) => c.wasteType))].join(', ');
    lines.push(
      `  demo city    ${demo.city.name}: ${demo.city.containers.length} containers in ${districts} districts (${fractions})`,
      `  sim clock    from ${demo.start.toISOString()}, ${demo.speed}x real time (a simulated hour every ${round1(3600 / demo.speed)} s)`,
    );
    for (const f of demo.faults) lines.push(`  fault        ${f.fault.kind} on sensor ${f.deviceId} (container ${f.containerId})`);
  }
  const s = system.startup;
  lines.push(
    `  started in   ${s.totalSeconds} s${s.coldDatabase ? ' (new database)' : ''}: ${s.steps.map((x) => `${x.step} ${x.seconds} s`).join(', ')}`,
    'Stop with Ctrl-C.',
  );
  return lines;
}

const round1 = (value: number): number => Math.round(value * 10) / 10;

main().catch((error: unknown) => {
  process.stderr.write(`vulgraad failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  if (error instanceof Error && error.stack && !/is taken/.test(error.message)) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
