import { sharedPath } from '@vulgraad/config';
import { type DeviceExample, checkExample, exampleDeviceIds, readDeviceExamples } from './conformance';
import { findDecoder } from './index';

// The TTN device repository's published decoder examples live in the shared data folder
// next to the repository (never copied into it; see that folder's README on the terms).
// Without that folder, e.g. on a machine that only has the repository, this spec is skipped.
const examplesFile = sharedPath('data', 'lorawan-devices', 'examples.json');
const maybe = examplesFile ? describe : describe.skip;

/** The models the issue requires, by their TTN vendor/device id. */
const REQUIRED_DEVICES = [
  'milesight-iot/em310-udl',
  'dragino/ldds75',
  'dragino/ldds20',
  'dragino/ldds45',
  'dingtek/df702',
  'dingtek/df555',
  'decentlab/dl-lid',
  'pepperl-fuchs/wilsen-sonic-level',
  'elsys/elt-ultrasonic',
];

const examples = examplesFile ? readDeviceExamples(examplesFile) : [];
const supported = examples.filter((example) => findDecoder(`${example.vendor}/${example.device}`));
// Each example runs under its own device and under every supported device sharing its codec.
interface Case {
  name: string;
  example?: DeviceExample;
  deviceId: string;
}
const cases: Case[] = supported.flatMap((example) =>
  exampleDeviceIds(example)
    .filter((deviceId) => findDecoder(deviceId))
    .map((deviceId) => ({ name: `${example.id} as ${deviceId}`, example, deviceId })),
);

maybe('TTN device repository examples (shared data folder)', () => {
  it('has examples for every required model, each with a decoder', () => {
    for (const deviceId of REQUIRED_DEVICES) {
      expect(findDecoder(deviceId)).toBeDefined();
      expect(supported.filter((example) => `${example.vendor}/${example.device}` === deviceId).length).toBeGreaterThan(0);
    }
  });

  // it.each refuses an empty table; an empty file then fails on the placeholder instead.
  const table: Case[] = cases.length > 0 ? cases : [{ name: 'no examples read', deviceId: '' }];
  it.each(table)('$name', ({ example, deviceId }) => {
    expect(example).toBeDefined();
    if (!example) return;
    expect(checkExample(example, deviceId).problems).toEqual([]);
  });
});
