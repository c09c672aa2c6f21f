import { REJECT_REASONS, type ParseResult } from '@vulgraad/contracts';
import {
  buildChirpstackV4Uplink, buildNativeReading, buildTtnV3Uplink, decodeUplink, DEFAULT_MAX_PAYLOAD_BYTES, listDecoders, parseMessage, type UplinkSpec,
} from '@vulgraad/payloads';
import fc from 'fast-check';

/**
 * Generated and mutated MQTT messages through the ingest's own entry points
 * (parseMessage, then decodeUplink for raw LoRaWAN bytes, as the pipeline
 * does), with the contract that nothing escapes: every message is a valid
 * reading or a rejection with one of the reject reasons.
 */

const REASONS = new Set<string>(REJECT_REASONS);
const MODELS = listDecoders().map((d) => d.model);
const FORMATS = ['native', 'ttn-v3', 'chirpstack-v4'] as const;
type Format = (typeof FORMATS)[number];

export interface FuzzMessage {
  /** The format the message was built as, before any mutation. */
  built: Format;
  topic: string;
  payload: Uint8Array;
  /** What was done to it, for a person reading a failure. */
  mutations: string[];
}

export interface FuzzReport {
  payloads: number;
  accepted: number;
  rejected: number;
  escaped: number;
  /** `<built format> <outcome or reason>` -> count. */
  outcomes: Map<string, number>;
  /** Raw LoRaWAN bytes handed to a decoder: `decoded` or the decoder's reason -> count. */
  decoder: Map<string, number>;
  /** The first few messages that broke the contract, with what happened. */
  failures: Array<{ message: FuzzMessage; problem: string }>;
  seed: number;
}

// --- generators --------------------------------------------------------------------------

const hex16 = fc.uint8Array({ minLength: 8, maxLength: 8 }).map((b) => Buffer.from(b).toString('hex'));
const NAME_CHARS = [...'abcdefghijklmnopqrstuvwxyz0123456789-'];
/** A lower-case name like the builders' ids (cheaper to generate than fc.stringMatching). */
const name = (maxLength: number): fc.Arbitrary<string> =>
  fc.tuple(fc.constantFrom(...NAME_CHARS.slice(0, 36)), fc.array(fc.constantFrom(...NAME_CHARS), { maxLength })).map(([first, rest]) => first + rest.join(''));
const deviceId = name(30);
const appId = name(20);
const when = fc.date({ min: new Date('2019-01-01T00:00:00Z'), max: new Date('2035-01-01T00:00:00Z'), noInvalidDate: true });
const measured = fc.record(
  {
    fillPct: fc.integer({ min: 0, max: 10_000 }).map((n) => n / 100),
    distanceMm: fc.integer({ min: 0, max: 5000 }),
    levelMm: fc.integer({ min: 0, max: 5000 }),
    temperatureC: fc.integer({ min: -300, max: 1200 }).map((n) => n / 10),
    batteryPct: fc.integer({ min: 0, max: 100 }),
    batteryV: fc.integer({ min: 2000, max: 4200 }).map((n) => n / 1000),
    tiltDeg: fc.integer({ min: 0, max: 180 }),
    alarms: fc.subarray(['fire', 'tilt', 'full', 'battery']),
  },
  { requiredKeys: [] },
);
const uplinkSpec: fc.Arbitrary<UplinkSpec> = fc.record({
  deviceId,
  devEui: hex16,
  applicationId: appId,
  receivedAt: when,
  fCnt: fc.nat({ max: 2 ** 32 - 1 }),
  fPort: fc.integer({ min: 0, max: 255 }),
  bytes: fc.option(fc.uint8Array({ maxLength: 24 }), { nil: undefined }),
  decoded: fc.option(measured, { nil: undefined }),
  rssi: fc.integer({ min: -140, max: 0 }),
  snr: fc.integer({ min: -200, max: 150 }).map((n) => n / 10),
});

export const valid: fc.Arbitrary<{ built: Format; topic: string; payload: string }> = fc.oneof(
  fc.record({ id: deviceId, at: when, asNumber: fc.boolean(), values: measured, seq: fc.option(fc.nat(), { nil: undefined }) }).map(({ id, at, asNumber, values, seq }) => ({
    built: 'native' as const,
    ...buildNativeReading(id, { ts: asNumber ? Math.floor(at.getTime() / 1000) : at.toISOString(), seq, ...values }),
  })),
  fc.tuple(uplinkSpec, fc.constantFrom('ttn', 'city')).map(([spec, tenant]) => ({ built: 'ttn-v3' as const, ...buildTtnV3Uplink(spec, tenant) })),
  uplinkSpec.map((spec) => ({ built: 'chirpstack-v4' as const, ...buildChirpstackV4Uplink(spec) })),
);

/** Values that firmware and network servers get wrong. */
export const weird: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -0, -1, 1e308, -1e308, 5e-324, 2 ** 53 + 2, -(2 ** 63), 4294967296, '', ' ', 'NaN', 'Infinity', '-Infinity', '1e999', '0x1F', '12', 'null', '\u0000', '\uD800', '2026-13-45T25:61:61Z', '2026-06-01T10:00:00', '1717236000', '￿',
    // A number with a unit that names a property every object inherits.
    '45 constructor', '7 toString', '1 __proto__', '3 hasOwnProperty'),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.double(),
  fc.integer(),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
  // Deeper nesting comes as text (the 'deep' mutation): built as values it would cost more than the parser.
  fc.integer({ min: 1, max: 64 }).map((depth) => nest(depth)),
);

function nest(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
}

type DocMutation = { kind: 'drop' | 'replace' | 'retype'; pick: number; value: unknown } | { kind: 'inherited-key'; pick: number; key: string; value: unknown };
/** Names every object inherits: a parser that looks a payload's key up in a plain object finds these. */
const INHERITED_KEYS = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__'];
type TextMutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'number'; pick: number; literal: string }
  | { kind: 'random'; bytes: Uint8Array }
  | { kind: 'bom' }
  | { kind: 'latin1' }
  | { kind: 'deep'; depth: number }
  | { kind: 'oversize'; extra: number }
  | { kind: 'not-object'; text: string };
type TopicMutation = { kind: 'other-format' | 'random' | 'extra-segment' | 'case' | 'prefix' | 'control'; text: string; format: Format };

const docMutation: fc.Arbitrary<DocMutation> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constantFrom('drop' as const, 'replace' as const, 'retype' as const), pick: fc.nat(), value: weird }), weight: 6 },
  { arbitrary: fc.record({ kind: fc.constant('inherited-key' as const), pick: fc.nat(), key: fc.constantFrom(...INHERITED_KEYS), value: fc.oneof(fc.boolean(), weird) }), weight: 1 },
);
const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('number' as const), pick: fc.nat(), literal: fc.constantFrom('1e999', '-1e999', '1e-999', '-0', '123456789012345678901234567890', '00', '1.', '.5', '+1', 'NaN', '0x10', '1_000') }),
  fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 300 }) }),
  fc.constant({ kind: 'bom' as const }),
  fc.constant({ kind: 'latin1' as const }),
  fc.record({ kind: fc.constant('deep' as const), depth: fc.integer({ min: 100, max: 20_000 }) }),
  fc.record({ kind: fc.constant('oversize' as const), extra: fc.integer({ min: 1, max: 1000 }) }),
  fc.record({ kind: fc.constant('not-object' as const), text: fc.constantFrom('[]', '[{}]', '"text"', '42', 'null', 'true', '') }),
);
const topicMutation: fc.Arbitrary<TopicMutation> = fc.record({
  kind: fc.constantFrom('other-format', 'random', 'extra-segment', 'case', 'prefix', 'control'),
  text: fc.string({ maxLength: 30 }),
  format: fc.constantFrom(...FORMATS),
});

/** A generated message: a valid one, often mutated in its document, its bytes and its topic. */
export const fuzzMessage: fc.Arbitrary<FuzzMessage> = fc
  .record({
    base: valid,
    doc: fc.array(docMutation, { maxLength: 3 }),
    // Most messages keep their bytes and their topic, so that the parsers see mostly well-formed JSON on the right topic.
    text: fc.oneof({ arbitrary: fc.constant(null), weight: 2 }, { arbitrary: textMutation, weight: 1 }),
    topic: fc.oneof({ arbitrary: fc.constant(null), weight: 6 }, { arbitrary: topicMutation, weight: 1 }),
  })
  .map(({ base, doc, text, topic }) => mutate(base, doc, text, topic));

function mutate(base: { built: Format; topic: string; payload: string }, docs: DocMutation[], text: TextMutation | null, topicChange: TopicMutation | null): FuzzMessage {
  const mutations: string[] = [];
  let json = base.payload;
  if (docs.length > 0) {
    const doc = JSON.parse(base.payload) as Record<string, unknown>;
    // The paths of the document as built: a later mutation may find its path gone and does nothing.
    const paths = pathsOf(doc);
    for (const m of docs) {
      if (m.kind === 'inherited-key') {
        // Into the document itself or one of its objects (decoded_payload, object, ...), as an own key (JSON.parse makes it one too).
        const objects = [[], ...paths].filter((p) => { const v = p.length === 0 ? doc : getAt(doc, p); return v !== null && typeof v === 'object' && !Array.isArray(v); });
        const at = objects[m.pick % objects.length] as string[];
        const target = (at.length === 0 ? doc : getAt(doc, at)) as Record<string, unknown>;
        Object.defineProperty(target, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
        mutations.push(`inherited-key ${[...at, m.key].join('.')}`);
        continue;
      }
      const path = paths[m.pick % paths.length];
      if (!path || !setAt(doc, path, m.kind === 'drop' ? undefined : m.kind === 'retype' ? retype(getAt(doc, path)) : m.value)) continue;
      mutations.push(`${m.kind} ${path.join('.')}`);
    }
    json = JSON.stringify(doc);
  }
  let bytes: Buffer = Buffer.from(json, 'utf8');
  if (text) {
    mutations.push(`text ${text.kind}`);
    bytes = mutateText(bytes, text);
  }
  let topic = base.topic;
  if (topicChange) {
    mutations.push(`topic ${topicChange.kind}`);
    topic = mutateTopic(base.topic, topicChange);
  }
  return { built: base.built, topic, payload: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), mutations };
}

function pathsOf(value: unknown, prefix: string[] = [], out: string[][] = []): string[][] {
  if (value === null || typeof value !== 'object' || out.length > 80) return out;
  for (const key of Object.keys(value)) {
    const path = [...prefix, key];
    out.push(path);
    pathsOf((value as Record<string, unknown>)[key], path, out);
  }
  return out;
}

function getAt(doc: unknown, path: string[]): unknown {
  let value = doc;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Sets (or, with undefined, removes) the value at the path; false when the path no longer leads anywhere. */
function setAt(doc: Record<string, unknown>, path: string[], value: unknown): boolean {
  const parent = getAt(doc, path.slice(0, -1));
  if (parent === null || typeof parent !== 'object') return false;
  const key = path[path.length - 1] as string;
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete (parent as Record<string, unknown>)[key];
  } else {
    (parent as Record<string, unknown>)[key] = value;
  }
  return true;
}

/** The same value as another JSON type: a number as a string, a string as a number, an object as an array. */
function retype(value: unknown): unknown {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return Number(value) || value.length;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (Array.isArray(value)) return Object.fromEntries(value.map((v, i) => [i, v]));
  if (value !== null && typeof value === 'object') return Object.values(value);
  return 'null';
}

function mutateText(bytes: Buffer, m: TextMutation): Buffer {
  switch (m.kind) {
    case 'truncate':
      return bytes.subarray(0, m.at % (bytes.length + 1));
    case 'insert': {
      const at = m.at % (bytes.length + 1);
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(m.bytes), bytes.subarray(at)]);
    }
    case 'flip': {
      const copy = Buffer.from(bytes);
      if (copy.length > 0) copy[m.at % copy.length] = (copy[m.at % copy.length] as number) ^ (1 << m.bit);
      return copy;
    }
    case 'number': {
      const text = bytes.toString('utf8');
      const numbers = [...text.matchAll(/(?<=:)-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g)];
      const hit = numbers[m.pick % Math.max(1, numbers.length)];
      if (!hit || hit.index === undefined) return bytes;
      return Buffer.from(text.slice(0, hit.index) + m.literal + text.slice(hit.index + hit[0].length), 'utf8');
    }
    case 'random':
      return Buffer.from(m.bytes);
    case 'bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
    case 'latin1':
      // Non-UTF-8 inside a string value: Latin-1 bytes (é as 0xE9) and bytes UTF-8 never has, the JSON otherwise intact.
      return Buffer.concat(bytes.toString('latin1').split(':"').flatMap((part, i) => (i === 0 ? [Buffer.from(part, 'latin1')] : [Buffer.from(':"', 'latin1'), Buffer.from([0xe9, 0xc0, 0xff]), Buffer.from(part, 'latin1')])));
    case 'deep':
      return Buffer.from('['.repeat(m.depth) + ']'.repeat(m.depth), 'utf8');
    case 'oversize':
      return Buffer.concat([bytes, Buffer.alloc(DEFAULT_MAX_PAYLOAD_BYTES + m.extra - Math.min(bytes.length, DEFAULT_MAX_PAYLOAD_BYTES), 0x20)]);
    case 'not-object':
      return Buffer.from(m.text, 'utf8');
  }
}

function mutateTopic(topic: string, m: TopicMutation): string {
  switch (m.kind) {
    case 'other-format': {
      const segment = m.text.replace(/[/+#]/g, '') || 'x';
      if (m.format === 'native') return `vulgraad/v1/devices/${segment}/readings`;
      if (m.format === 'ttn-v3') return `v3/${segment}@ttn/devices/${segment}/up`;
      return `application/${segment}/device/0011223344556677/event/up`;
    }
    case 'random':
      return m.text;
    case 'extra-segment':
      return `${topic}/${m.text}`;
    case 'case':
      return topic.toUpperCase();
    case 'prefix':
      return `${m.text}${topic}`;
    case 'control': {
      // A line break or another control character inside the topic, as a hostile client sends to forge a log line.
      const at = m.text.length % (topic.length + 1);
      return `${topic.slice(0, at)}${['\n', '\r\n', '\u0000', '\u2028', '\u001b[31m'][m.text.length % 5]}${topic.slice(at)}`;
    }
  }
}

// --- the contract ------------------------------------------------------------------------

/** Null when the result keeps the contract, else what is wrong with it. */
export function contractProblem(result: ParseResult): string | null {
  if (!result.ok) {
    if (!REASONS.has(result.reason)) return `unknown reject reason ${String(result.reason)}`;
    if (typeof result.detail !== 'string' || result.detail === '') return 'rejection without a detail';
    return null;
  }
  const r = result.reading;
  if (!(FORMATS as readonly string[]).includes(r.format)) return `accepted with format ${String(r.format)}`;
  if (typeof r.deviceRef !== 'string' || r.deviceRef === '') return 'accepted without a device';
  // No time = the receive time, by design; a time that is there must be a real one.
  if (r.measuredAt !== undefined && (!(r.measuredAt instanceof Date) || Number.isNaN(r.measuredAt.getTime()))) return 'accepted with an invalid time';
  for (const key of ['fillPct', 'distanceMm', 'levelMm', 'temperatureC', 'batteryPct', 'batteryV', 'rssiDbm', 'snrDb', 'tiltDeg', 'seq'] as const) {
    const value = r[key];
    if (value !== undefined && value !== null && (typeof value !== 'number' || !Number.isFinite(value))) return `accepted with ${key} = ${String(value)}`;
  }
  if (r.alarms !== undefined && r.alarms !== null && (!Array.isArray(r.alarms) || r.alarms.some((a) => typeof a !== 'string'))) return 'accepted with alarms that are not strings';
  if (r.rawUplink && (!Number.isInteger(r.rawUplink.fPort) || !(r.rawUplink.bytes instanceof Uint8Array))) return 'accepted with a malformed raw uplink';
  return null;
}

/** Runs `count` messages; never throws for what a message does (that is counted as escaped). */
export function runPayloadFuzz(options: { count: number; seed?: number; onProgress?: (done: number) => void }): FuzzReport {
  const seed = options.seed ?? Date.now() % 2 ** 31;
  const report: FuzzReport = { payloads: 0, accepted: 0, rejected: 0, escaped: 0, outcomes: new Map(), decoder: new Map(), failures: [], seed };
  const bump = (map: Map<string, number>, key: string): void => void map.set(key, (map.get(key) ?? 0) + 1);
  const fail = (message: FuzzMessage, problem: string): void => {
    report.escaped++;
    if (report.failures.length < 10) report.failures.push({ message, problem });
  };
  fc.assert(
    fc.property(fuzzMessage, (message) => {
      report.payloads++;
      if (options.onProgress && report.payloads % 100_000 === 0) options.onProgress(report.payloads);
      let result: ParseResult;
      try {
        result = parseMessage(message.topic, message.payload);
      } catch (error) {
        bump(report.outcomes, `${message.built} escaped`);
        fail(message, `parseMessage threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
        return true;
      }
      const problem = contractProblem(result);
      if (problem) {
        bump(report.outcomes, `${message.built} broken`);
        fail(message, problem);
        return true;
      }
      if (!result.ok) {
        report.rejected++;
        bump(report.outcomes, `${message.built} rejected:${result.reason}`);
        return true;
      }
      report.accepted++;
      bump(report.outcomes, `${message.built} accepted`);
      // The pipeline decodes raw bytes with the device's model: try the model this message count points at.
      const raw = result.reading.rawUplink;
      if (raw) {
        const model = MODELS[report.payloads % MODELS.length] as string;
        try {
          const decoded = decodeUplink(model, raw.fPort, raw.bytes);
          if (decoded.ok) {
            bump(report.decoder, 'decoded');
            for (const [key, value] of Object.entries(decoded.fields)) {
              if (typeof value === 'number' && !Number.isFinite(value)) fail(message, `decoder ${model} gave ${key} = ${value}`);
            }
          } else if (!REASONS.has(decoded.reason)) {
            fail(message, `decoder ${model} rejected with unknown reason ${String(decoded.reason)}`);
          } else {
            bump(report.decoder, decoded.reason);
          }
        } catch (error) {
          bump(report.decoder, 'escaped');
          fail(message, `decoder ${model} threw ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      return true;
    }),
    { numRuns: options.count, seed, endOnFailure: true },
  );
  return report;
}

/** The report as lines; the last is `fuzz payloads=<n> accepted=<n> rejected=<n> escaped=<n>`. */
export function formatReport(report: FuzzReport, seconds: number): string[] {
  const lines = [`seed ${report.seed}, ${report.payloads} payloads in ${seconds.toFixed(1)} s (${Math.round(report.payloads / Math.max(seconds, 1e-9))}/s)`];
  for (const format of FORMATS) {
    const rows = [...report.outcomes].filter(([key]) => key.startsWith(`${format} `)).sort((a, b) => b[1] - a[1]);
    const total = rows.reduce((sum, [, n]) => sum + n, 0);
    lines.push(`${format}: ${total}`);
    for (const [key, n] of rows) lines.push(`  ${key.slice(format.length + 1).padEnd(34)} ${n}`);
  }
  lines.push(`raw LoRaWAN bytes through the decoders: ${[...report.decoder].map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`);
  for (const { message, problem } of report.failures) {
    lines.push(`ESCAPED ${problem}: built ${message.built}, topic ${JSON.stringify(message.topic)}, mutations [${message.mutations.join(', ')}], payload ${Buffer.from(message.payload).subarray(0, 200).toString('base64')}`);
  }
  lines.push(`fuzz payloads=${report.payloads} accepted=${report.accepted} rejected=${report.rejected} escaped=${report.escaped}`);
  return lines;
}

