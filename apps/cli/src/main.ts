import { readFileSync, writeFileSync } from 'node:fs';
import { ConfigError, describeConfig, loadConfig } from '@vulgraad/config';
import { type MqttPayloadFormat } from '@vulgraad/contracts';
import { createDatabase, type Database, DevicesRepository, FolderInUseError, migrate, ContainersRepository } from '@vulgraad/database';
import { cliActor, generateSecret, hashSecret, mosquittoFiles, MqttAccountsRepository, recordAudit, SAFE_USERNAME } from '@vulgraad/security';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { amsterdamRegistrations } from './amsterdam';
import { applyRegistrations, type RegistrationCounts } from './register';
import { fromCityDocument, readRegistrations, RegistrationFileError } from './registration-file';

export const HELP = `vulgraad-cli: register containers and devices, load the Amsterdam demo city.
Uses DATABASE_URL (unset = the embedded database in PGLITE_DATA_DIR); applies pending migrations first.

  migrate
  register <file> [--bound-from ISO]
      containers, devices, bindings, LoRaWAN applications, districts, depots and disposal
      sites from a vulgraad-city .json (npm run sim:sensors -- --export city.json --export-only),
      a GeoJSON FeatureCollection of points, or a CSV of containers (README lists the columns)
  load-amsterdam [--limit N] [--seed N] [--devices none|native|ttn-v3|chirpstack-v4|mixed]
                 [--interval-min M] [--device-prefix P] [--bound-from ISO] [--export FILE]
      the 6,308 Amsterdam residual-waste clusters (shared data folder) as a demo city, with one
      sensor each unless --devices none; the same seed, limit, format and prefix given to
      npm run sim:sensors -- --city amsterdam publishes as exactly these devices
  bind <device-ref> <container-id-or-ref> [--from ISO]
      fit a device to a container (a swap: the old bindings end at --from, default now)
  application <application-id> [--model M] [--name N]
      a LoRaWAN application and the decoder its devices use by default
  summary
      counts of what is registered
  device-secret <device-ref>
      a new MQTT secret for a device that publishes directly (printed once, stored hashed); its
      user name on the broker is the device reference, and it may publish on its own topic only
  mqtt-account <username> --kind service|network-server [--applications A,B]
      a broker login for the services (ingest, simulators) or a LoRaWAN network server's MQTT
      integration (uplinks of the listed applications only: app@tenant for The Things Stack, the
      application id for ChirpStack); the password is printed once and stored hashed
  mosquitto-auth <folder> [--topic-prefix P]
      Mosquitto's password_file and acl_file from the registry: <folder>/passwd and <folder>/acl for
      the devices' and network servers' listener, services.passwd and services.acl for the services'
  config
      every environment variable of every service with its default, as the README's tables
`;

export class UsageError extends Error {}

/** Markdown tables of every configuration variable, one per section, as the README shows them. */
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

interface Parsed {
  command: string;
  args: string[];
  flags: Map<string, string>;
}

export function parseArgs(argv: string[]): Parsed {
  const [command = 'help', ...rest] = argv;
  const args: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
      const value = inline ?? rest[i + 1];
      if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
      if (inline === undefined) i++;
      flags.set(name, value);
    } else {
      args.push(arg);
    }
  }
  return { command, args, flags };
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
    case '--help':
      return [HELP];
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

async function main(): Promise<void> {
  let parsed: Parsed;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
  if (parsed.command === 'help' || parsed.command === '--help' || parsed.flags.has('help')) {
    process.stdout.write(HELP);
    return;
  }
  if (parsed.command === 'config') {
    process.stdout.write(`${configTables()}\n`);
    return;
  }
  const config = loadConfig();
  const db = await createDatabase({ databaseUrl: config.core.databaseUrl, pgliteDataDir: config.core.pgliteDataDir, poolSize: 2 });
  try {
    await migrate(db, { timescale: config.database.timescale });
    for (const line of await run(db, parsed)) process.stdout.write(`${line}\n`);
  } finally {
    await db.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${HELP}`);
      process.exit(2);
    }
    if (error instanceof FolderInUseError) {
      const hint = apiInstead(process.argv[2] ?? '');
      process.stderr.write(`${error.message}\n${hint ? `While it runs, do the same through its API or the dashboard's Sensors & onboarding page (/fleet.html): ${hint}\n` : ''}`);
      process.exit(1);
    }
    if (error instanceof RegistrationFileError || error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`vulgraad-cli failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
