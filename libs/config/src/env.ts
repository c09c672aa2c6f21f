/**
 * A tiny typed reader for environment variables. Every variable is declared
 * once with its default and description; `readSection` collects all problems
 * instead of stopping at the first, so start-up fails with one message.
 */
export interface VarSpec<T> {
  name: string;
  description: string;
  default: T | undefined;
  parse(raw: string): T;
  /** Secrets are never printed, not even in the error message. */
  secret?: boolean;
}

export const str = (name: string, def: string | undefined, description: string, secret = false): VarSpec<string> => ({
  name,
  description,
  default: def,
  secret,
  parse: (raw) => raw,
});

export const optionalStr = (name: string, description: string, secret = false): VarSpec<string | null> => ({
  name,
  description,
  default: null,
  secret,
  parse: (raw) => (raw === '' ? null : raw),
});

export const int = (name: string, def: number, description: string, min = -Infinity, max = Infinity): VarSpec<number> => ({
  name,
  description,
  default: def,
  parse: (raw) => {
    const value = Number(raw);
    if (!Number.isInteger(value)) throw new Error(`expected an integer, got "${raw}"`);
    if (value < min || value > max) throw new Error(`expected ${min}..${max}, got ${value}`);
    return value;
  },
});

export const num = (name: string, def: number, description: string, min = -Infinity, max = Infinity): VarSpec<number> => ({
  name,
  description,
  default: def,
  parse: (raw) => {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value)) throw new Error(`expected a number, got "${raw}"`);
    if (value < min || value > max) throw new Error(`expected ${min}..${max}, got ${value}`);
    return value;
  },
});

export const bool = (name: string, def: boolean, description: string): VarSpec<boolean> => ({
  name,
  description,
  default: def,
  parse: (raw) => {
    if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
    if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
    throw new Error(`expected true or false, got "${raw}"`);
  },
});

export const oneOf = <T extends string>(name: string, def: T, values: readonly T[], description: string): VarSpec<T> => ({
  name,
  description,
  default: def,
  parse: (raw) => {
    if (!(values as readonly string[]).includes(raw)) throw new Error(`expected one of ${values.join(', ')}, got "${raw}"`);
    return raw as T;
  },
});

export type SpecValues<S extends Record<string, VarSpec<unknown>>> = { [K in keyof S]: S[K] extends VarSpec<infer T> ? T : never };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads a group of variables; returns the values and the problems found. */
export function readSection<S extends Record<string, VarSpec<unknown>>>(
  spec: S,
  env: Record<string, string | undefined>,
): { values: SpecValues<S>; problems: string[] } {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, varSpec] of Object.entries(spec)) {
    const raw = env[varSpec.name];
    if (raw === undefined) {
      if (varSpec.default === undefined) problems.push(`${varSpec.name} is required (${varSpec.description})`);
      values[key] = varSpec.default;
      continue;
    }
    try {
      values[key] = varSpec.parse(raw);
    } catch (error) {
      const shown = varSpec.secret ? '(secret value not shown)' : (error as Error).message;
      problems.push(`${varSpec.name}: ${shown}`);
    }
  }
  return { values: values as SpecValues<S>, problems };
}
