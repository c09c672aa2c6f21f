import { parseArgs } from 'node:util';
import type { Fault } from './faults';
import { parseFault } from './faults';
import type { FormatChoice, LorawanModelChoice } from './devices';
import type { DecodedStyle } from './formats';
import { DECODED_STYLES } from './formats';

export interface CliOptions {
  city: 'generated' | 'amsterdam';
  /** Generated city size, or how many Amsterdam clusters to keep (null = all). */
  containers: number | null;
  districts: number | null;
  seed: number;
  idPrefix: string | null;
  devicePrefix: string;
  format: FormatChoice;
  lorawanModel: LorawanModelChoice;
  decoded: DecodedStyle;
  fillPctShare: number;
  initialFill: 'empty' | 'random';
  intervalS: number;
  start: Date | null;
  /** Simulated hours to run; null = until stopped (scaled mode only). */
  durationH: number | null;
  /** Simulated seconds per wall second, or 'max' for as fast as possible. */
  speed: number | 'max';
  output: 'mqtt' | 'stdout' | 'none';
  mqttUrl: string;
  mqttUsername: string | null;
  mqttPassword: string | null;
  qos: 0 | 1;
  ttnApplicationId: string | null;
  ttnTenantId: string | null;
  chirpstackApplicationId: string | null;
  exportPath: string | null;
  exportOnly: boolean;
  faults: Array<{ deviceId: string; fault: Fault }>;
  statusEveryS: number;
  help: boolean;
}

export class CliError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid arguments:\n${problems.map((p) => `  - ${p}`).join('\n')}\nRun with --help for the options.`);
    this.name = 'CliError';
  }
}

export const CLI_HELP = `Sensor simulator: ultrasonic fill-level sensors for every container of a city, over MQTT.

Usage: node -r ./tools/register.js simulators/sensors/src/main.ts [options]
       npm run sim:sensors -- [options]

City
  --city generated|amsterdam   generated (default; no data needed) or the 6,308 Amsterdam clusters (shared data folder)
  --containers N               generated: number of containers (default 500); amsterdam: keep the first N clusters
  --districts N                number of districts (generated: ~1 per 400 containers; amsterdam: 7)
  --seed N                     seed of city, deposits and devices (default 1)
  --id-prefix P                prefix of container ids (default vul- / ams-)
Sensors
  --format F                   native | ttn-v3 | chirpstack-v4 | mixed (default native)
  --lorawan-model M            dragino-ldds75 | milesight-em310-udl | mixed (default mixed)
  --decoded S                  LoRaWAN decoded values: normalised | vendor | none (raw bytes only); default normalised
  --interval-min M             minutes between readings of a device (default 30)
  --fill-pct-share X           share of native devices that also report fill % (default 0.5)
  --initial-fill empty|random  containers at the start (default random, up to 80%)
  --device-prefix P            prefix of device ids and DevEUIs (default sens-)
  --fault DEVICE:KIND[=V]      repeatable; KIND = stuck | silence | battery_drain[=pct per reading] | spikes[=probability]
                               | clock_skew[=seconds] | fire[=deg C] | tilt[=deg]
Time
  --start ISO                  simulated start (default now)
  --speed K                    simulated seconds per wall second (default 60)
  --fast                       as fast as possible (needs --duration-h)
  --duration-h H               simulated hours to run (default: until Ctrl-C)
Output
  --output mqtt|stdout|none    where uplinks go (default mqtt); stdout prints "topic<TAB>payload" lines
  --mqtt-url URL               broker (default $MQTT_URL or mqtt://127.0.0.1:1883); $MQTT_USERNAME, $MQTT_PASSWORD
  --qos 0|1                    MQTT QoS (default 1)
  --ttn-app ID --ttn-tenant T  The Things Stack application and tenant in topics (default vulgraad-sim@ttn)
  --chirpstack-app UUID        ChirpStack application id in topics (default derived from the seed)
  --export FILE                write the registrations (.json, .geojson or .csv) before running
  --export-only                write the registrations and exit
  --status-every S             print progress every S wall seconds (default 10; 0 = never)
  --help
`;

const FORMAT_CHOICES: readonly FormatChoice[] = ['native', 'ttn-v3', 'chirpstack-v4', 'mixed'];
const LORAWAN_MODELS: readonly LorawanModelChoice[] = ['dragino-ldds75', 'milesight-em310-udl', 'mixed'];

/** Reads the command line (and MQTT_* from the environment); every problem is reported at once. */
export function parseCliArgs(argv: string[], env: Record<string, string | undefined> = {}): CliOptions {
  let parsed;
  try {
    parsed = readArgs(argv);
  } catch (error) {
    throw new CliError([(error as Error).message]);
  }
  const { values } = parsed;
  const problems: string[] = [];
  const oneOf = <T extends string>(name: string, raw: string | undefined, allowed: readonly T[], fallback: T): T => {
    if (raw === undefined) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    problems.push(`--${name}: expected one of ${allowed.join(', ')}, got "${raw}"`);
    return fallback;
  };
  const number = (name: string, raw: string | undefined, fallback: number, check: (n: number) => boolean, rule: string): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || !check(n)) {
      problems.push(`--${name}: expected ${rule}, got "${raw}"`);
      return fallback;
    }
    return n;
  };

  const city = oneOf('city', values.city, ['generated', 'amsterdam'] as const, 'generated');
  const containersRaw = number('containers', values.containers, NaN, (n) => Number.isInteger(n) && n >= 1, 'a whole number >= 1');
  const fast = values.fast ?? false;
  if (fast && values.speed !== undefined) problems.push('--fast and --speed exclude each other');
  const speed: number | 'max' = fast ? 'max' : number('speed', values.speed, 60, (n) => n > 0, 'a positive number');
  const durationRaw = number('duration-h', values['duration-h'], NaN, (n) => n > 0, 'a positive number of hours');
  const durationH = Number.isNaN(durationRaw) ? null : durationRaw;
  if (speed === 'max' && durationH === null && !values['export-only']) problems.push('--fast needs --duration-h (an unbounded run as fast as possible never ends)');
  let start: Date | null = null;
  if (values.start !== undefined) {
    const ms = Date.parse(values.start);
    if (Number.isFinite(ms)) start = new Date(ms);
    else problems.push(`--start: expected an ISO-8601 time, got "${values.start}"`);
  }
  const faults: Array<{ deviceId: string; fault: Fault }> = [];
  for (const spec of values.fault ?? []) {
    const colon = spec.lastIndexOf(':');
    if (colon <= 0) {
      problems.push(`--fault: expected DEVICE:KIND[=VALUE], got "${spec}"`);
      continue;
    }
    try {
      faults.push({ deviceId: spec.slice(0, colon), fault: parseFault(spec.slice(colon + 1)) });
    } catch (error) {
      problems.push(`--fault ${spec}: ${(error as Error).message}`);
    }
  }
  const qos = number('qos', values.qos, 1, (n) => n === 0 || n === 1, '0 or 1') as 0 | 1;
  const options: CliOptions = {
    city,
    containers: Number.isNaN(containersRaw) ? (city === 'generated' ? 500 : null) : containersRaw,
    districts: values.districts === undefined ? null : number('districts', values.districts, 1, (n) => Number.isInteger(n) && n >= 1 && n <= 50, 'a whole number 1..50'),
    seed: number('seed', values.seed, 1, (n) => Number.isInteger(n), 'a whole number'),
    idPrefix: values['id-prefix'] ?? null,
    devicePrefix: values['device-prefix'] ?? 'sens-',
    format: oneOf('format', values.format, FORMAT_CHOICES, 'native'),
    lorawanModel: oneOf('lorawan-model', values['lorawan-model'], LORAWAN_MODELS, 'mixed'),
    decoded: oneOf('decoded', values.decoded, DECODED_STYLES, 'normalised'),
    fillPctShare: number('fill-pct-share', values['fill-pct-share'], 0.5, (n) => n >= 0 && n <= 1, 'a share 0..1'),
    initialFill: oneOf('initial-fill', values['initial-fill'], ['empty', 'random'] as const, 'random'),
    intervalS: Math.round(number('interval-min', values['interval-min'], 30, (n) => n >= 1 / 60 && n <= 24 * 60, 'minutes between 1/60 and 1440') * 60),
    start,
    durationH,
    speed,
    output: oneOf('output', values.output, ['mqtt', 'stdout', 'none'] as const, 'mqtt'),
    mqttUrl: values['mqtt-url'] ?? env.MQTT_URL ?? 'mqtt://127.0.0.1:1883',
    mqttUsername: env.MQTT_USERNAME ?? null,
    mqttPassword: env.MQTT_PASSWORD ?? null,
    qos,
    ttnApplicationId: values['ttn-app'] ?? null,
    ttnTenantId: values['ttn-tenant'] ?? null,
    chirpstackApplicationId: values['chirpstack-app'] ?? null,
    exportPath: values.export ?? null,
    exportOnly: values['export-only'] ?? false,
    faults,
    statusEveryS: number('status-every', values['status-every'], 10, (n) => n >= 0, 'seconds >= 0'),
    help: values.help ?? false,
  };
  if (options.exportOnly && !options.exportPath) problems.push('--export-only needs --export FILE');
  if (problems.length > 0) throw new CliError(problems);
  return options;
}

function readArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      city: { type: 'string' },
      containers: { type: 'string' },
      districts: { type: 'string' },
      seed: { type: 'string' },
      'id-prefix': { type: 'string' },
      'device-prefix': { type: 'string' },
      format: { type: 'string' },
      'lorawan-model': { type: 'string' },
      decoded: { type: 'string' },
      'fill-pct-share': { type: 'string' },
      'initial-fill': { type: 'string' },
      'interval-min': { type: 'string' },
      start: { type: 'string' },
      'duration-h': { type: 'string' },
      speed: { type: 'string' },
      fast: { type: 'boolean' },
      output: { type: 'string' },
      'mqtt-url': { type: 'string' },
      qos: { type: 'string' },
      'ttn-app': { type: 'string' },
      'ttn-tenant': { type: 'string' },
      'chirpstack-app': { type: 'string' },
      export: { type: 'string' },
      'export-only': { type: 'boolean' },
      fault: { type: 'string', multiple: true },
      'status-every': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
