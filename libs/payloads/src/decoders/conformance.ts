import { readFileSync } from 'node:fs';
import { decodeUplinkFull, findDecoder } from './index';
import { Quantity, type VendorValue } from './types';

/**
 * Checks decoder output against the expected output published with a device's codec in the
 * TTN device repository. A match means every expected key is reproduced with an equal value
 * and no key is missing or extra; values are compared after unit normalisation only
 * ("30 cm" equals 300 mm, "25 ℃" equals 25 °C, the string "0.00" equals the number 0).
 */

/** One uplink example from the shared examples file (fields described in its README). */
export interface DeviceExample {
  id: string;
  vendor: string;
  device: string;
  codec: string;
  codecUsedBy?: string[];
  description: string;
  fPort: number;
  bytesHex: string;
  expected: unknown;
  expectedErrors?: string[];
  expectedWarnings?: string[];
  duplicateOf?: string;
}

/** Reads and shape-checks the examples file; throws with the offending entry when malformed. */
export function readDeviceExamples(file: string): DeviceExample[] {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(parsed)) throw new Error(`${file}: expected an array of examples`);
  return parsed.map((entry: unknown, index) => {
    const example = entry as Partial<DeviceExample> | null;
    const ok =
      example !== null &&
      typeof example === 'object' &&
      typeof example.id === 'string' &&
      typeof example.vendor === 'string' &&
      typeof example.device === 'string' &&
      typeof example.fPort === 'number' &&
      typeof example.bytesHex === 'string' &&
      /^([0-9a-f]{2})*$/.test(example.bytesHex) &&
      'expected' in example;
    if (!ok) throw new Error(`${file}: example ${index} is not a well-formed example`);
    return example as DeviceExample;
  });
}

type Dimension = 'length' | 'temperature' | 'angle' | 'voltage' | 'ratio' | 'time';

/** Unit spellings seen in vendor output, with the factor to this module's base unit. */
const UNITS: Record<string, { dimension: Dimension; factor: number }> = {
  mm: { dimension: 'length', factor: 1 },
  cm: { dimension: 'length', factor: 10 },
  m: { dimension: 'length', factor: 1000 },
  '℃': { dimension: 'temperature', factor: 1 },
  '°c': { dimension: 'temperature', factor: 1 },
  '°': { dimension: 'angle', factor: 1 },
  v: { dimension: 'voltage', factor: 1 },
  mv: { dimension: 'voltage', factor: 0.001 },
  '%': { dimension: 'ratio', factor: 1 },
  ms: { dimension: 'time', factor: 0.001 },
  s: { dimension: 'time', factor: 1 },
  min: { dimension: 'time', factor: 60 },
  minute: { dimension: 'time', factor: 60 },
  minutes: { dimension: 'time', factor: 60 },
  h: { dimension: 'time', factor: 3600 },
  hour: { dimension: 'time', factor: 3600 },
  hours: { dimension: 'time', factor: 3600 },
};

/** A number in base units, or a bare number (dimension undefined). */
interface Normalised {
  value: number;
  dimension?: Dimension;
}

/** "2000 mm" -> 2000 length; "0.00" -> 0; "ON" or "3.6(low battery)" -> null (not a quantity). */
export function parseQuantityText(text: string): Normalised | null {
  const match = /^\s*(-?\d+(?:\.\d+)?)(?:\s*([^\d\s.-][^\d]*?))?\s*$/.exec(text);
  if (!match) return null;
  const value = Number(match[1]);
  if (match[2] === undefined) return { value };
  const unit = UNITS[match[2].toLowerCase()];
  return unit ? { value: value * unit.factor, dimension: unit.dimension } : null;
}

function normaliseQuantity(quantity: Quantity): Normalised {
  const unit = UNITS[quantity.unit.toLowerCase()];
  if (!unit) throw new Error(`unit ${quantity.unit} has no normalisation`);
  return { value: quantity.value * unit.factor, dimension: unit.dimension };
}

function sameNumber(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

function describe(value: unknown): string {
  if (value instanceof Quantity) return `${value.value} ${value.unit}`;
  return JSON.stringify(value) ?? String(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Quantity);
}

/**
 * Differences between an expected vendor output and what a decoder produced, one line per
 * difference with its path; empty when they match.
 */
export function compareVendorOutput(expected: unknown, actual: VendorValue | undefined, path = '$'): string[] {
  const differ = (why = '') => [`${path}: expected ${describe(expected)}, got ${actual === undefined ? 'nothing' : describe(actual)}${why}`];

  if (expected === null) return actual === null ? [] : differ();
  if (typeof expected === 'boolean') return actual === expected ? [] : differ();

  if (typeof expected === 'number') {
    if (typeof actual === 'number') return sameNumber(expected, actual) ? [] : differ();
    if (typeof actual === 'string') {
      const parsed = parseQuantityText(actual);
      return parsed && parsed.dimension === undefined && sameNumber(parsed.value, expected) ? [] : differ();
    }
    return differ(actual instanceof Quantity ? ' (a unit where the vendor gives a bare number)' : '');
  }

  if (typeof expected === 'string') {
    const wanted = parseQuantityText(expected);
    if (!wanted) return actual === expected ? [] : differ();
    let got: Normalised | null = null;
    if (actual instanceof Quantity) got = normaliseQuantity(actual);
    else if (typeof actual === 'number') got = { value: actual };
    else if (typeof actual === 'string') got = parseQuantityText(actual) ?? null;
    if (!got) return differ();
    if (got.dimension !== wanted.dimension) return differ(' (different unit kind)');
    return sameNumber(got.value, wanted.value) ? [] : differ();
  }

  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return differ();
    if (actual.length !== expected.length) return differ(` (length ${actual.length}, expected ${expected.length})`);
    return expected.flatMap((item, index) => compareVendorOutput(item, actual[index], `${path}[${index}]`));
  }

  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) return differ();
    const problems: string[] = [];
    for (const key of Object.keys(expected)) {
      if (!(key in actual)) problems.push(`${path}.${key}: expected ${describe(expected[key])}, got nothing`);
      else problems.push(...compareVendorOutput(expected[key], actual[key] as VendorValue, `${path}.${key}`));
    }
    for (const key of Object.keys(actual)) {
      if (!(key in expected)) problems.push(`${path}.${key}: not expected, got ${describe(actual[key])}`);
    }
    return problems;
  }

  return differ(' (expected value of unsupported type)');
}

/** Vendor error messages and the words our rejection detail must then contain. */
const ERROR_WORDS: Array<[RegExp, RegExp]> = [
  [/port/i, /port/i],
  [/length/i, /length/i],
];

/** The outcome of running one example through one decoder name. */
export interface ExampleCheck {
  example: DeviceExample;
  /** The name the decoder was looked up by (`vendor/device`). */
  deviceId: string;
  model?: string;
  matched: boolean;
  problems: string[];
}

/** Device ids an example applies to: its own device and every device sharing its codec. */
export function exampleDeviceIds(example: DeviceExample): string[] {
  const devices = new Set([example.device, ...(example.codecUsedBy ?? [])]);
  return [...devices].map((device) => `${example.vendor}/${device}`);
}

/** Runs one example through the decoder registered for `deviceId` and compares the output. */
export function checkExample(example: DeviceExample, deviceId = `${example.vendor}/${example.device}`): ExampleCheck {
  const decoder = findDecoder(deviceId);
  if (!decoder) return { example, deviceId, matched: false, problems: [`no decoder for ${deviceId}`] };
  const bytes = Uint8Array.from(Buffer.from(example.bytesHex, 'hex'));
  const result = decodeUplinkFull(deviceId, example.fPort, bytes);
  const expectsErrors = (example.expectedErrors ?? []).length > 0;
  const check = (problems: string[]): ExampleCheck => ({ example, deviceId, model: decoder.model, matched: problems.length === 0, problems });

  if (expectsErrors) {
    if (result.ok) return check([`expected a rejection (${example.expectedErrors?.join('; ')}), got ${describe(result.uplink.vendor)}`]);
    const problems: string[] = [];
    if (result.reason !== 'undecodable_payload') problems.push(`rejected as ${result.reason}, expected undecodable_payload`);
    for (const error of example.expectedErrors ?? []) {
      for (const [vendorWords, ourWords] of ERROR_WORDS) {
        if (vendorWords.test(error) && !ourWords.test(result.detail)) {
          problems.push(`vendor error "${error}" but our detail does not say so: ${result.detail}`);
        }
      }
    }
    return check(problems);
  }
  if (!result.ok) return check([`rejected: ${result.detail}`]);
  return check(compareVendorOutput(example.expected, result.uplink.vendor));
}
