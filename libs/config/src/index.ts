import { ConfigError, readSection, SpecValues, VarSpec } from './env';
import { coreSpec } from './core.config';
import { distancesSpec } from './distances.config';
import { databaseSpec } from './database.config';
import { ingestSpec } from './ingest.config';
import { gatewaySpec } from './gateway.config';
import { alertsSpec } from './alerts.config';
import { plannerSpec } from './planner.config';
import { allInOneSpec } from './all-in-one.config';
import { securitySpec } from './security.config';
import { forecastSpec } from './forecast.config';

export * from './env';
export { coreSpec } from './core.config';
export { distancesSpec } from './distances.config';
export { databaseSpec } from './database.config';
export { ingestSpec } from './ingest.config';
export { gatewaySpec } from './gateway.config';
export { alertsSpec } from './alerts.config';
export { plannerSpec, parseNumberPairs, parseTimeOfDay, parseWeekdays } from './planner.config';
export { allInOneSpec, allInOneEnv, ALL_IN_ONE_DEFAULTS } from './all-in-one.config';
export { sharedDataDir, sharedPath } from './shared-data';
export { securitySpec } from './security.config';
export { forecastSpec } from './forecast.config';

/**
 * Every configuration section of the system. Add a section here when an app
 * gains variables; `loadConfig` validates all of them at once at start-up.
 */
export const sections = {
  core: coreSpec,
  distances: distancesSpec,
  database: databaseSpec,
  ingest: ingestSpec,
  gateway: gatewaySpec,
  alerts: alertsSpec,
  planner: plannerSpec,
  allInOne: allInOneSpec,
  security: securitySpec,
  forecast: forecastSpec,
} satisfies Record<string, Record<string, VarSpec<unknown>>>;

export type Config = { [K in keyof typeof sections]: SpecValues<(typeof sections)[K]> };

/** Reads and validates all configuration; throws one ConfigError listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const config: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(sections)) {
    const result = readSection(spec, env);
    config[name] = result.values;
    problems.push(...result.problems);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config as Config;
}

/** All variables with defaults and descriptions, for the README and `--help`. */
export function describeConfig(): Array<{ name: string; default: string; description: string; section: string }> {
  return Object.entries(sections).flatMap(([section, spec]) =>
    Object.values(spec as Record<string, VarSpec<unknown>>).map((v) => ({
      name: v.name,
      default: v.default === undefined ? '(required)' : v.default === null ? '(unset)' : String(v.default),
      description: v.description,
      section,
    })),
  );
}
