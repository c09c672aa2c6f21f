import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { ConfigError, describeConfig, loadConfig } from '@vulgraad/config';
import { type MqttPayloadFormat } from '@vulgraad/contracts';
import { createDatabase, type Database, DevicesRepository, FolderInUseError, migrate, ContainersRepository } from '@vulgraad/database';
import { applyRegistrations, fromCityDocument, readRegistrations, RegistrationFileError, type RegistrationCounts } from '@vulgraad/registration';
import { cliActor, generateSecret, hashSecret, mosquittoFiles, MqttAccountsRepository, recordAudit, SAFE_USERNAME } from '@vulgraad/security';
import { amsterdamRegistrations } from './amsterdam';

export class UsageError extends Error {}

/** Markdown tables of every configuration variable, one per section, as docs/configuration.md shows them. */
export function configTables(): string {
  const rows = describeConfig();
  const sections = [...new Set(rows.map((r) => r.section))];
  const cell = (text: string): string => text.replace(/\|/g, '\\|');
  return sections
    .map((section) =>
      [`#### \`${section}\``, '', '| variable | default | meaning |', '|---|---|---|']
        .concat(rows.filter((r) => r.section === section).map((r) => `| \`${r.name}\` | ${r.default === '' ? '(empty)' : `\`${cell(r.default)}\``} | ${cell(r.description)} |`))
        .join('\n'),
    )
    .join('\n\n');
}

/** A command line as run() takes it: the command, its arguments and its options by their long names. */
export interface Parsed {
  command: string;
  args: string[];
  flags: Map<string, string>;
}

interface CommandSpec {
  name: string;
  args?: string[];
  options?: Array<[flags: string, description: string]>;
  description: string;
}

/** Every command with its arguments and options; `vulgraad help <command>` prints one. */
const COMMANDS: CommandSpec[] = [
  { name: 'migrate', description: 'apply pending migrations' },
  {
    name: 'register',
    args: ['<file>'],
    options: [['--bound-from <iso>', 'bindings start at this time (default now)']],
    description:
      'containers, devices, bindings, LoRaWAN applications, districts, depots and disposal sites from a vulgraad-city .json ' +
      '(npm run sim:sensors -- --export city.json --export-only), a GeoJSON FeatureCollection of points, or a CSV of containers ' +
      "(',' or ';', README lists the columns)",
  },
  {
    name: 'load-amsterdam',
    options: [
      ['--limit <n>', 'only the first N clusters'],
      ['--seed <n>', 'seed of the devices (default 1)'],
      ['--devices <format>', 'none, native, ttn-v3, chirpstack-v4 or mixed (default native)'],
      ['--interval-min <m>', 'reporting interval of the sensors (default 30)'],
      ['--device-prefix <p>', 'prefix of the device ids (default sens-)'],
      ['--bound-from <iso>', 'bindings start at this time (default 2020-01-01)'],
      ['--export <file>', 'also write the city as a vulgraad-city .json'],
    ],
    description:
      'the 6,308 Amsterdam residual-waste clusters (shared data folder) as a demo city, with one sensor each unless --devices none; ' +
      'the same seed, limit, format and prefix given to npm run sim:sensors -- --city amsterdam publishes as exactly these devices',
  },
  {
    name: 'bind',
    args: ['<device-ref>', '<container-id-or-ref>'],
    options: [['--from <iso>', 'the old bindings end and this one starts here (default now)']],
    description: 'fit a device to a container (a swap: the old bindings end at --from)',
  },
  {
    name: 'application',
    args: ['<application-id>'],
    options: [
      ['--model <m>', 'the decoder its devices use by default'],
      ['--name <n>', 'a name to show'],
    ],
    description: 'a LoRaWAN application and the decoder its devices use by default',
  },
  { name: 'summary', description: 'counts of what is registered' },
  {
    name: 'device-secret',
    args: ['<device-ref>'],
    description:
      'a new MQTT secret for a device that publishes directly (printed once, stored hashed); its user name on the broker is the ' +
      'device reference, and it may publish on its own topic only',
  },
  {
    name: 'vehicle-secret',
    args: ['<vehicle-id>'],
    description:
      "a new MQTT secret for a truck's telematics (printed once, stored hashed); its user name and client id on the broker are the " +
      "truck's id, and it may publish under vulgraad/v1/vehicles/<id>/ only (position, lift)",
  },
  {
    name: 'mqtt-account',
    args: ['<username>'],
    options: [
      ['--kind <kind>', 'service or network-server'],
      ['--applications <ids>', 'comma-separated application ids a network server may publish for'],
    ],
    description:
      "a broker login for the services (ingest, simulators) or a LoRaWAN network server's MQTT integration (uplinks of the listed " +
      'applications only: app@tenant for The Things Stack, the application id for ChirpStack); the password is printed once and stored hashed',
  },
  {
    name: 'mosquitto-auth',
    args: ['<folder>'],
    options: [['--topic-prefix <p>', 'the prefix the ingest listens under']],
    description:
      "Mosquitto's password_file and acl_file from the registry: <folder>/passwd and <folder>/acl for the devices' and network servers' listener, services.passwd and services.acl for the services'",
  },
  { name: 'config', description: 'every environment variable of every service with its default, as docs/configuration.md lists them' },
];

/**
 * The `vulgraad` command line (commander): `onCommand` gets each parsed
 * command. Nothing is printed and nothing exits: errors are thrown as
 * CommanderError, help is `helpInformation()`.
 */
export function buildProgram(onCommand: (parsed: Parsed) => void): Command {
  const program = new Command('vulgraad')
    .description(
      'register containers and devices, load the Amsterdam demo city.\n' +
        'Uses DATABASE_URL (unset = the embedded database in PGLITE_DATA_DIR); applies pending migrations first.',
    )
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined })
    .configureHelp({ helpWidth: 100 })
    .helpCommand(true);
  for (const spec of COMMANDS) {
    const command = program
      .command(spec.name)
      .description(spec.description)
      .exitOverride()
      .configureOutput({ writeOut: () => undefined, writeErr: () => undefined })
      .configureHelp({ helpWidth: 100 });
    for (const arg of spec.args ?? []) command.argument(arg);
    for (const [flags, description] of spec.options ?? []) command.option(flags, description);
    command.action((...params: unknown[]) => {
      const self = params[params.length - 1] as Command;
      const values = self.opts<Record<string, string | undefined>>();
      const flags = new Map<string, string>();
      for (const option of self.options) {
        const value = values[option.attributeName()];
        if (value !== undefined && option.long) flags.set(option.long.slice(2), value);
      }
      onCommand({ command: spec.name, args: self.args, flags });
    });
  }
  return program;
}

/** Help of the whole command line, or of one command. */
export function helpText(command?: string): string {
  const program = buildProgram(() => undefined);
  const sub = command ? program.commands.find((c) => c.name() === command) : undefined;
  return (sub ?? program).helpInformation();
}

/** Help of the whole command line. */
export const HELP = helpText();

/** Parses a command line (without node and the script); `help` (or `--help`) answers `{ command: 'help', args: [command?] }`. */
export function parseArgs(argv: string[]): Parsed {
  if (argv.length === 0) return { command: 'help', args: [], flags: new Map() };
  let parsed: Parsed | null = null;
  const program = buildProgram((p) => (parsed = p));
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help') {
        const named = argv.find((a) => program.commands.some((c) => c.name() === a && a !== 'help'));
        return { command: 'help', args: named ? [named] : [], flags: new Map() };
      }
      throw new UsageError(error.message.replace(/^error: /, ''));
    }
    throw error;
  }
  return parsed ?? { command: 'help', args: [], flags: new Map() };
}

const intFlag = (flags: Map<string, string>, name: string, fallback: number | undefined): number | undefined => {
  const raw = flags.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new UsageError(`--${name} must be a whole number, got "${raw}"`);
  return value;
};

const timeFlag = (flags: Map<string, string>, name: string, fallback: Date): Date => {
  const raw = flags.get(name);
  if (raw === undefined) return fallback;
  const value = new Date(raw);
  if (Number.isNaN(value.getTime())) throw new UsageError(`--${name} must be an ISO-8601 time, got "${raw}"`);
  return value;
};

const describeCounts = (c: RegistrationCounts): string =>
  `registered ${c.containers} containers, ${c.devices} devices (${c.bindingsOpened} new bindings), ${c.applications} LoRaWAN applications, ` +
  `${c.districts} districts, ${c.depots} depots, ${c.disposalSites} disposal sites`;

/** Runs one command; returns the lines to print. */
export async function run(db: Database, parsed: Parsed): Promise<string[]> {
  const { command, args, flags } = parsed;
  switch (command) {
    case 'migrate':
      return ['schema up to date'];
    case 'register': {
      const file = args[0];
      if (!file) throw new UsageError('register needs a file');
      const set = readRegistrations(file, readFileSync(file, 'utf8'), { boundFrom: timeFlag(flags, 'bound-from', new Date()) });
      const counts = await applyRegistrations(db, set);
      await recordAudit(db, { actor: cliActor(), action: 'registry.register', targetType: 'file', targetId: path.basename(file), detail: { ...counts } });
      return [describeCounts(counts)];
    }
    case 'load-amsterdam': {
      const devices = flags.get('devices') ?? 'native';
      if (!['none', 'native', 'ttn-v3', 'chirpstack-v4', 'mixed'].includes(devices)) throw new UsageError(`--devices "${devices}" is not none, native, ttn-v3, chirpstack-v4 or mixed`);
      const doc = amsterdamRegistrations({
        limit: intFlag(flags, 'limit', undefined),
        seed: intFlag(flags, 'seed', 1) as number,
        devices: devices as MqttPayloadFormat | 'mixed' | 'none',
        intervalS: (intFlag(flags, 'interval-min', 30) as number) * 60,
        devicePrefix: flags.get('device-prefix') ?? 'sens-',
        boundFrom: timeFlag(flags, 'bound-from', new Date('2020-01-01T00:00:00Z')),
      });
      const lines = [`${doc.city.name}: ${doc.containers.length} containers in ${doc.districts.length} districts`];
      const exportFile = flags.get('export');
      if (exportFile) {
        writeFileSync(exportFile, `${JSON.stringify(doc, null, 1)}\n`);
        lines.push(`written to ${exportFile}`);
      }
      lines.push(describeCounts(await applyRegistrations(db, fromCityDocument(doc as unknown as Record<string, unknown>))));
      return lines;
    }
    case 'bind': {
      const [deviceRef, containerKey] = args;
      if (!deviceRef || !containerKey) throw new UsageError('bind needs a device reference and a container id or reference');
      const at = timeFlag(flags, 'from', new Date());
      return db.transaction(async (tx) => {
        const [device] = await new DevicesRepository(tx).findByRefs([deviceRef]);
        if (!device) throw new UsageError(`no device is registered as ${deviceRef}`);
        const containers = new ContainersRepository(tx);
        const container = (await containers.findById(containerKey)) ?? (await containers.findByExternalRefs([containerKey]))[0];
        if (!container) throw new UsageError(`no container has id or reference ${containerKey}`);
        const binding = await new DevicesRepository(tx).bind(device.id, container.id, at);
        await recordAudit(tx, { actor: cliActor(), action: 'device.bind', targetType: 'device', targetId: device.id, detail: { containerId: container.id, validFrom: binding.validFrom.toISOString() } });
        return [`device ${device.externalRef} bound to container ${container.id} from ${binding.validFrom.toISOString()}`];
      });
    }
    case 'application': {
      const [applicationId] = args;
      if (!applicationId) throw new UsageError('application needs an application id');
      await new DevicesRepository(db).upsertApplication({ applicationId, name: flags.get('name') ?? null, defaultModel: flags.get('model') ?? null });
      await recordAudit(db, { actor: cliActor(), action: 'application.upsert', targetType: 'lorawan_application', targetId: applicationId, detail: { model: flags.get('model') ?? null } });
      return [`LoRaWAN application ${applicationId} registered${flags.has('model') ? ` (default model ${flags.get('model')})` : ''}`];
    }
    case 'summary': {
      const { rows } = await db.query<{ what: string; n: number }>(
        `SELECT 'containers' AS what, count(*)::int AS n FROM containers
         UNION ALL SELECT 'devices', count(*)::int FROM devices
         UNION ALL SELECT 'open bindings', count(*)::int FROM device_bindings WHERE valid_to IS NULL
         UNION ALL SELECT 'districts', count(DISTINCT district)::int FROM containers
         UNION ALL SELECT 'readings', count(*)::int FROM readings
         UNION ALL SELECT 'rejected messages', count(*)::int FROM rejected_messages`,
      );
      return rows.map((r) => `${r.what}: ${r.n}`);
    }
    case 'device-secret': {
      const [ref] = args;
      if (!ref) throw new UsageError('device-secret needs a device reference');
      const secret = generateSecret();
      const deviceId = await db.transaction(async (tx) => {
        const id = await new MqttAccountsRepository(tx).setDeviceSecret(ref, hashSecret(secret));
        if (id) await recordAudit(tx, { actor: cliActor(), action: 'device.secret', targetType: 'device', targetId: id, detail: { externalRef: ref } });
        return id;
      });
      if (!deviceId) throw new UsageError(`no device is registered as ${ref}`);
      if (!SAFE_USERNAME.test(ref)) return [`secret: ${secret}`, `note: "${ref}" has characters Mosquitto's files cannot hold; only the embedded broker will accept it`];
      return [`secret: ${secret}`, `user name on the broker: ${ref}; shown once, stored hashed: keep it in the device's configuration now`];
    }
    case 'vehicle-secret': {
      const [vehicleId] = args;
      if (!vehicleId) throw new UsageError('vehicle-secret needs a truck id');
      const secret = generateSecret();
      const found = await db.transaction(async (tx) => {
        const id = await new MqttAccountsRepository(tx).setVehicleSecret(vehicleId, hashSecret(secret));
        if (id) await recordAudit(tx, { actor: cliActor(), action: 'vehicle.secret', targetType: 'vehicle', targetId: id, detail: {} });
        return id;
      });
      if (!found) throw new UsageError(`no truck has the id ${vehicleId}`);
      return [`secret: ${secret}`, `user name and client id on the broker: ${vehicleId}; topics vulgraad/v1/vehicles/${vehicleId}/position and .../lift; shown once, stored hashed`];
    }
    case 'mqtt-account': {
      const [username] = args;
      const kind = flags.get('kind');
      if (!username || !SAFE_USERNAME.test(username)) throw new UsageError('mqtt-account needs a user name of letters, digits, . _ @ -');
      if (kind !== 'service' && kind !== 'network-server') throw new UsageError('--kind must be service or network-server');
      const applications = flags.get('applications')?.split(',').map((a) => a.trim()).filter(Boolean) ?? null;
      if (applications?.some((a) => !/^[A-Za-z0-9._@-]+$/.test(a))) throw new UsageError('--applications are application ids (letters, digits, . _ @ -), comma-separated');
      const accounts = new MqttAccountsRepository(db);
      if (await accounts.isDeviceName(username)) throw new UsageError(`${username} is a device's reference; pick another name`);
      const password = generateSecret();
      await db.transaction(async (tx) => {
        await new MqttAccountsRepository(tx).upsertAccount({ username, passwordHash: hashSecret(password), kind: kind === 'service' ? 'service' : 'network_server', applications: kind === 'service' ? null : applications });
        await recordAudit(tx, { actor: cliActor(), action: 'mqtt_account.set', targetType: 'mqtt_account', targetId: username, detail: { kind, applications } });
      });
      return [`password: ${password}`, `${kind} account ${username}: shown once, stored hashed`];
    }
    case 'mosquitto-auth': {
      const [folder] = args;
      if (!folder) throw new UsageError('mosquitto-auth needs a folder to write passwd and acl into');
      const files = mosquittoFiles(await new MqttAccountsRepository(db).list(), { topicPrefix: flags.get('topic-prefix') ?? '', generatedAt: new Date() });
      mkdirSync(folder, { recursive: true });
      writeFileSync(path.join(folder, 'passwd'), files.passwords, { mode: 0o640 });
      writeFileSync(path.join(folder, 'acl'), files.acl, { mode: 0o640 });
      writeFileSync(path.join(folder, 'services.passwd'), files.servicePasswords, { mode: 0o640 });
      writeFileSync(path.join(folder, 'services.acl'), files.serviceAcl, { mode: 0o640 });
      const count = (text: string): number => text.split('\n').filter(Boolean).length;
      return [
        `wrote ${path.join(folder, 'passwd')} and ${path.join(folder, 'acl')}: ${count(files.passwords)} users (devices and network servers); services.passwd and services.acl: ${count(files.servicePasswords)} users (services)`,
        ...files.skipped.map((s) => `skipped ${s.username}: ${s.reason}`),
        'reload Mosquitto (SIGHUP) to read them',
      ];
    }
    case 'config':
      return [configTables()];
    case 'help':
      return [helpText(args[0])];
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

/** The API call that does what a registry command does, for a system that is running. */
export function apiInstead(command: string): string | null {
  const routes: Record<string, string> = {
    register: 'POST /api/containers/import (CSV or GeoJSON)',
    'load-amsterdam': 'POST /api/containers/import (CSV or GeoJSON)',
    bind: 'POST /api/devices/{id}/bind',
    application: 'PUT /api/lorawan-applications/{applicationId}',
    'device-secret': 'POST /api/devices/{id}/secret (the secret is shown once)',
    'mqtt-account': 'POST /api/mqtt-accounts (the password is shown once)',
    'mosquitto-auth': 'set MOSQUITTO_AUTH_DIR (and MOSQUITTO_PID_FILE): the gateway writes the files after each change made through the API',
  };
  return routes[command] ?? null;
}

/** `vulgraad <command>`: prints what the command did; usage errors exit 2, unreadable files and configuration 1. */
export async function main(argv: string[]): Promise<void> {
  let parsed: Parsed;
  try {
    parsed = parseArgs(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${HELP}`);
    process.exitCode = 2;
    return;
  }
  if (parsed.command === 'help' || parsed.command === 'config') {
    process.stdout.write(parsed.command === 'help' ? helpText(parsed.args[0]) : `${configTables()}\n`);
    return;
  }
  try {
    const config = loadConfig();
    const db = await createDatabase({ databaseUrl: config.core.databaseUrl, pgliteDataDir: config.core.pgliteDataDir, poolSize: 2 });
    try {
      await migrate(db, { timescale: config.database.timescale });
      for (const line of await run(db, parsed)) process.stdout.write(`${line}\n`);
    } finally {
      await db.close();
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${helpText(parsed.command)}`);
      process.exitCode = 2;
    } else if (error instanceof FolderInUseError) {
      const hint = apiInstead(parsed.command);
      process.stderr.write(`${error.message}\n${hint ? `While it runs, do the same through its API or the dashboard's Sensors & onboarding page (/fleet.html): ${hint}\n` : ''}`);
      process.exitCode = 1;
    } else if (error instanceof RegistrationFileError || error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`vulgraad ${parsed.command} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    }
  }
}

if (require.main === module) void main(process.argv.slice(2));
