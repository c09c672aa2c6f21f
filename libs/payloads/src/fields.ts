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
  const canonical = canonicalTimeMs(value);
  if (canonical !== null) return new Date(canonical);
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/i.exec(value.trim());
  if (!m) throw new FieldProblem('wrong_type', `${path} must be an ISO-8601 time with a zone (Z or +hh:mm), got "${truncate(value)}"`);
  // Nanosecond fractions (ChirpStack) are cut to milliseconds before parsing.
  const fraction = m[2] ? m[2].slice(0, 4) : '';
  const date = new Date(`${m[1]}${fraction}${(m[3] as string).toUpperCase()}`);
  if (Number.isNaN(date.getTime())) throw new FieldProblem('wrong_type', `${path} is not a valid time: "${truncate(value)}"`);
  return date;
}

const digit = (text: string, at: number): number => {
  const d = text.charCodeAt(at) - 48;
  return d >= 0 && d <= 9 ? d : Number.NaN;
};
const number2 = (text: string, at: number): number => digit(text, at) * 10 + digit(text, at + 1);

/**
 * The time of `YYYY-MM-DDTHH:MM:SS.sssZ` (what toISOString writes, and what
 * most firmware sends) read digit by digit, several times faster than the
 * regular expression and Date parsing below; null for any other form, which
 * then goes the general way. Same result as that way for every string it takes.
 */
function canonicalTimeMs(text: string): number | null {
  if (text.length !== 24 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84 || text.charCodeAt(13) !== 58 ||
    text.charCodeAt(16) !== 58 || text.charCodeAt(19) !== 46 || text.charCodeAt(23) !== 90) {
    return null;
  }
  const year = number2(text, 0) * 100 + number2(text, 2);
  const month = number2(text, 5);
  const day = number2(text, 8);
  const hour = number2(text, 11);
  const minute = number2(text, 14);
  const second = number2(text, 17);
  const milli = digit(text, 20) * 100 + number2(text, 21);
  // NaN fails every comparison: a non-digit anywhere ends here too. Years below 1000 and hour 24 go the general way.
  if (!(year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 59 && milli >= 0)) return null;
  return Date.UTC(year, month - 1, day, hour, minute, second, milli);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string "${truncate(value)}"`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

const truncate = (text: string, max = 40): string => (text.length > max ? `${text.slice(0, max)}...` : text);
