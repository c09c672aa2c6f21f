import type { RejectReason } from '@vulgraad/contracts';

/** A message field that is missing or of the wrong type; the parser turns it into a reject reason. */
export class FieldProblem extends Error {
  constructor(
    readonly reason: RejectReason,
    message: string,
  ) {
    super(message);
    this.name = 'FieldProblem';
  }
}

export type JsonObject = Record<string, unknown>;

/** PostgreSQL text cannot hold NUL characters; JSON strings can. They are written as a visible escape. */
export const withoutNul = (text: string): string => (text.includes('\u0000') ? text.split('\u0000').join('\\u0000') : text);

export const isObject = (value: unknown): value is JsonObject => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The object at `key`, or a FieldProblem naming the path. */
export function requireObject(doc: JsonObject, key: string, path: string): JsonObject {
  const value = doc[key];
  if (value === undefined || value === null) throw new FieldProblem('missing_field', `${path} is missing`);
  if (!isObject(value)) throw new FieldProblem('wrong_type', `${path} must be an object, got ${describe(value)}`);
  return value;
}

export function optionalObject(doc: JsonObject, key: string, path: string): JsonObject | undefined {
  const value = doc[key];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new FieldProblem('wrong_type', `${path} must be an object, got ${describe(value)}`);
  return value;
}

export function requireString(doc: JsonObject, key: string, path: string): string {
  const value = doc[key];
  if (value === undefined || value === null || value === '') throw new FieldProblem('missing_field', `${path} is missing`);
  if (typeof value !== 'string') throw new FieldProblem('wrong_type', `${path} must be a string, got ${describe(value)}`);
  return withoutNul(value);
}

export function optionalString(doc: JsonObject, key: string, path: string): string | undefined {
  const value = doc[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new FieldProblem('wrong_type', `${path} must be a string, got ${describe(value)}`);
  return withoutNul(value);
}

/** A finite JSON number; strings that look like numbers are refused (a firmware bug we want to see). */
export function optionalNumber(doc: JsonObject, key: string, path: string): number | undefined {
  const value = doc[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new FieldProblem('wrong_type', `${path} must be a number, got ${describe(value)}`);
  return value;
}

export function optionalInteger(doc: JsonObject, key: string, path: string, min = 0): number | undefined {
  const value = optionalNumber(doc, key, path);
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < min) throw new FieldProblem('wrong_type', `${path} must be an integer >= ${min}, got ${value}`);
  return value;
}

export function optionalStringArray(doc: JsonObject, key: string, path: string): string[] | undefined {
  const value = doc[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new FieldProblem('wrong_type', `${path} must be an array of strings, got ${describe(value)}`);
  }
  return (value as string[]).map(withoutNul);
}

/**
 * An ISO-8601 time with a zone (Z or an offset), or Unix epoch seconds. A
 * time without a zone is refused: the device's local time cannot be guessed.
 */
export function parseTime(value: unknown, path: string): Date {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new FieldProblem('wrong_type', `${path} must be Unix seconds >= 0, got ${value}`);
    const date = new Date(Math.round(value * 1000));
    // Past the year 275760 a Date is invalid, and an invalid Date throws where the time is written.
    if (Number.isNaN(date.getTime())) throw new FieldProblem('wrong_type', `${path} is not a valid time: ${value} s`);
    return date;
  }
  if (typeof value !== 'string') throw new FieldProblem('wrong_type', `${path} must be an ISO-8601 time or Unix seconds, got ${describe(value)}`);
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/i.exec(value.trim());
  if (!m) throw new FieldProblem('wrong_type', `${path} must be an ISO-8601 time with a zone (Z or +hh:mm), got "${truncate(value)}"`);
  // Nanosecond fractions (ChirpStack) are cut to milliseconds before parsing.
  const fraction = m[2] ? m[2].slice(0, 4) : '';
  const date = new Date(`${m[1]}${fraction}${(m[3] as string).toUpperCase()}`);
  if (Number.isNaN(date.getTime())) throw new FieldProblem('wrong_type', `${path} is not a valid time: "${truncate(value)}"`);
  return date;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string "${truncate(value)}"`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

const truncate = (text: string, max = 40): string => (text.length > max ? `${text.slice(0, max)}...` : text);
