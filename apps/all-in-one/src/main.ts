import 'reflect-metadata';
import { ALL_IN_ONE_DEFAULTS, allInOneEnv, loadConfig, type Config } from '@vulgraad/config';
import { bootstrapProcess } from '@vulgraad/runtime';
import { startAllInOne, type AllInOne } from './all-in-one';

/**
 * `npm start`: the whole system in one process on embedded parts, with a
 * simulated demo city. Prints the dashboard's address when it is ready;
 * Ctrl-C (SIGINT) or SIGTERM stops it cleanly so the data folder can be
 * opened again.
 */
const say = (line: string): void => void process.stdout.write(`${line}\n`);

void bootstrapProcess({
  service: 'vulgraad',
  loadConfig: () => loadConfig(allInOneEnv()),
  start: (config) => {
    say('vulgraad: starting everything in one process');
    return startAllInOne(config, { progress: (line) => say(`  ${line}`) });
  },
  ready: (system, config) => say(banner(system, config).join('\n')),
  say,
  stoppingNote: 'the ingest commits what it holds, the database closes cleanly',
});

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
