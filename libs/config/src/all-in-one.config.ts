import { bool, int, num, oneOf, type VarSpec } from './env';

/** The waste fractions the demo city may have (the contracts' WasteFraction). */
const FRACTIONS = ['residual', 'paper', 'glass', 'plastic', 'organic', 'textile'] as const;
type Fraction = (typeof FRACTIONS)[number];

/**
 * The all-in-one process (`npm start`): the demo city it simulates and how
 * fast. The embedded parts themselves are switched by the core section
 * (DATABASE_URL, MQTT_URL, REDIS_URL unset = embedded).
 */
export const allInOneSpec = {
  simulator: bool('DEMO_SIMULATOR', true, 'Simulate a demo city (sensors over MQTT, trucks driving the plans) on a fast simulated clock; false = real time, real sensors only'),
  city: oneOf('DEMO_CITY', 'auto', ['auto', 'amsterdam', 'generated'] as const, 'Demo city: amsterdam = the shipped Amsterdam extract (real clusters and streets), generated = the synthetic Vulstad, auto = Amsterdam when it holds DEMO_CONTAINERS of DEMO_FRACTIONS'),
  containers: int('DEMO_CONTAINERS', 360, 'Containers in the demo city (Amsterdam: the first of its list, nearest to Westermarkt)', 1, 20000),
  districts: int('DEMO_DISTRICTS', 3, 'Districts of the generated demo city (Amsterdam has its own: Centrum and West)', 1, 12),
  fractions: fractionList('DEMO_FRACTIONS', 'residual,paper,glass', 'Waste fractions of the demo city, comma-separated (residual, paper, glass, plastic, organic, textile)'),
  seed: int('DEMO_SEED', 1, 'Seed of the demo city, its deposits and its sensors', 0, 2 ** 31 - 1),
  speed: num('DEMO_SPEED', 480, 'Simulated seconds per wall-clock second (480: a working day in a minute)', 1, 100_000),
  sensorIntervalMin: int('DEMO_SENSOR_INTERVAL_MIN', 30, 'Simulated minutes between two readings of a sensor', 1, 1440),
  format: oneOf('DEMO_FORMAT', 'mixed', ['native', 'ttn-v3', 'chirpstack-v4', 'mixed'] as const, 'Wire format of the simulated sensors: native JSON, The Things Stack v3, ChirpStack v4, or a third each'),
  start: optionalTime('DEMO_START', 'Simulated time of the first start (ISO-8601); unset = 05:00 local on the latest collection day. A restart resumes where the data left off'),
  faults: bool('DEMO_FAULTS', true, 'Give a few sensors faults shortly after start (a fire, a draining battery) so alerts show up'),
  fleet: bool('DEMO_FLEET', true, 'Simulated trucks drive the published plans: each stop is reported emptied at its planned time'),
};

/** Comma-separated fraction names, read as a list without repeats (at least one). */
function fractionList(name: string, def: string, description: string): VarSpec<Fraction[]> {
  const parse = (raw: string): Fraction[] => {
    const items = raw.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
    const unknown = items.filter((item) => !(FRACTIONS as readonly string[]).includes(item));
    if (unknown.length > 0) throw new Error(`expected fractions among ${FRACTIONS.join(', ')}, got "${unknown.join(', ')}"`);
    if (items.length === 0) throw new Error('expected at least one fraction');
    return [...new Set(items as Fraction[])];
  };
  return { name, description, default: parse(def), parse };
}

/** An optional ISO-8601 time. */
function optionalTime(name: string, description: string): VarSpec<Date | null> {
  const parse = (raw: string): Date | null => {
    if (raw.trim() === '') return null;
    const ms = Date.parse(raw);
    if (!Number.isFinite(ms)) throw new Error(`expected an ISO-8601 time, got "${raw}"`);
    return new Date(ms);
  };
  return { name, description, default: null, parse };
}

/**
 * What the all-in-one uses for other sections' variables when they are not
 * set: a demo login, a short solver budget so the first plans come within
 * seconds, readable logs. Anything set in the environment wins.
 */
export const ALL_IN_ONE_DEFAULTS: Readonly<Record<string, string>> = {
  GATEWAY_ADMIN_PASSWORD: 'vulgraad-demo',
  PLANNER_TIME_BUDGET_S: '2',
  PLANNER_REPLAN_DEBOUNCE_MS: '3000',
  ALERT_OVERFLOW_CHECK_S: '15',
  ALERT_SILENCE_CHECK_S: '15',
  LOG_JSON: 'false',
  LOG_LEVEL: 'warn',
};

/**
 * The environment the all-in-one reads: its defaults under whatever is set.
 * The demo's admin password only with the demo: a real deployment of the
 * all-in-one (DEMO_SIMULATOR=false) gets an admin only from GATEWAY_ADMIN_PASSWORD.
 */
export function allInOneEnv(env: Record<string, string | undefined> = process.env): Record<string, string | undefined> {
  const defaults: Record<string, string> = { ...ALL_IN_ONE_DEFAULTS };
  if (!demoOn(env.DEMO_SIMULATOR)) delete defaults.GATEWAY_ADMIN_PASSWORD;
  return { ...defaults, ...env };
}

/** DEMO_SIMULATOR as loadConfig will read it; a bad value keeps the demo's defaults (loadConfig then names the variable). */
function demoOn(raw: string | undefined): boolean {
  if (raw === undefined) return allInOneSpec.simulator.default !== false;
  try {
    return allInOneSpec.simulator.parse(raw);
  } catch {
    return true;
  }
}
