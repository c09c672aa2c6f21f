// Runs every TTN device-repository example of the supported devices through the decoders,
// checks each against its expected output, and measures decoding throughput.
// Usage: npm run bench:decoders [-- --seconds=3]
// Last line: decoders devices=<n> examples=<n> matched=<n> throughput_per_s=<n>
import { sharedPath } from '@vulgraad/config';
import { performance } from 'node:perf_hooks';
import { type DeviceExample, checkExample, exampleDeviceIds, readDeviceExamples } from '../../libs/payloads/src/decoders/conformance';
import { decodeUplink, findDecoder } from '../../libs/payloads/src/decoders/index';

const secondsArg = process.argv.find((arg) => arg.startsWith('--seconds='));
const seconds = secondsArg ? Number(secondsArg.split('=')[1]) : 3;

const file = sharedPath('data', 'lorawan-devices', 'examples.json');
if (!file) {
  console.error('decoders bench: shared data folder with data/lorawan-devices/examples.json not found (set VULGRAAD_SHARED_DIR)');
  process.exit(1);
}

const deviceOf = (example: DeviceExample) => `${example.vendor}/${example.device}`;
const examples = readDeviceExamples(file).filter((example) => findDecoder(deviceOf(example)));

interface Row {
  device: string;
  model: string;
  examples: number;
  matched: number;
}
const rows = new Map<string, Row>();
const failures: string[] = [];
let matched = 0;
for (const example of examples) {
  const device = deviceOf(example);
  const row = rows.get(device) ?? { device, model: findDecoder(device)?.model ?? '', examples: 0, matched: 0 };
  rows.set(device, row);
  row.examples += 1;
  // An example counts as matched only when it matches under every supported device sharing its codec.
  const checks = exampleDeviceIds(example)
    .filter((deviceId) => findDecoder(deviceId))
    .map((deviceId) => checkExample(example, deviceId));
  const bad = checks.filter((check) => !check.matched);
  if (bad.length === 0) {
    row.matched += 1;
    matched += 1;
  } else {
    for (const check of bad) failures.push(`${example.id} as ${check.deviceId}: ${check.problems.join('; ')}`);
  }
}

// Throughput of the call the ingest service makes, over the example payloads in turn.
const inputs = examples.map((example) => ({
  model: deviceOf(example),
  fPort: example.fPort,
  bytes: Uint8Array.from(Buffer.from(example.bytesHex, 'hex')),
}));
let sink = 0;
const runFor = (ms: number): { decodes: number; elapsedMs: number } => {
  const start = performance.now();
  let decodes = 0;
  let elapsed: number;
  do {
    for (const input of inputs) {
      const result = decodeUplink(input.model, input.fPort, input.bytes);
      if (result.ok) sink += 1;
    }
    decodes += inputs.length;
    elapsed = performance.now() - start;
  } while (elapsed < ms);
  return { decodes, elapsedMs: elapsed };
};
runFor(300); // warm-up, so the JIT has compiled the decoders before timing
const timed = runFor(seconds * 1000);
const throughput = Math.round((timed.decodes / timed.elapsedMs) * 1000);

const pad = (text: string | number, width: number) => String(text).padEnd(width);
console.log(`${pad('device', 38)}${pad('model', 36)}${pad('examples', 10)}matched`);
for (const row of [...rows.values()].sort((a, b) => a.device.localeCompare(b.device))) {
  console.log(`${pad(row.device, 38)}${pad(row.model, 36)}${pad(row.examples, 10)}${row.matched}`);
}
for (const failure of failures) console.log(`MISMATCH ${failure}`);
console.log(`${timed.decodes} decodes in ${(timed.elapsedMs / 1000).toFixed(2)} s (${inputs.length} payloads in turn, ${sink > 0 ? 'ok' : 'none decoded'})`);
console.log(`decoders devices=${rows.size} examples=${examples.length} matched=${matched} throughput_per_s=${throughput}`);
