import { decoded, hex, rejected } from '../spec-helpers';

// version 2 | device 0x0102 | flags | 11 rangefinder words | battery word
const rangefinder = '07d0 07c6 07da 07d1 07c8 07cc 07d4 07d8 07d0 0032 0200';

describe('DECENTLAB_DECODERS', () => {
  it('reads both sensors and takes the median distance', () => {
    const sut = decoded('dl-lid', 1, hex(`02 0102 0003 ${rangefinder} 0bb8`));
    expect(sut.frame).toBe('measurement');
    expect(sut.fields).toEqual({ distanceMm: 2001, batteryV: 3 });
    expect(sut.vendor).toMatchObject({
      protocol_version: 2,
      device_id: 258,
      distance_median: { displayName: 'Distance: median', unit: 'mm', value: 2001 },
      number_of_samples: { displayName: 'Number of samples', value: 50 },
      total_acquisition_time: { displayName: 'Total acquisition time', unit: 'ms', value: 500 },
      battery_voltage: { displayName: 'Battery voltage', unit: 'V', value: 3 },
    });
  });

  it('reads a battery-only frame as status without a distance', () => {
    expect(decoded('decentlab/dl-lid', 1, hex('02 0102 0002 0bb8'))).toMatchObject({ frame: 'status', fields: { batteryV: 3 } });
  });

  it('rejects another protocol version, sensors the device lacks, cut-off and extra bytes', () => {
    expect(rejected('dl-lid', 1, hex('03 0102 0002 0bb8'))).toContain('protocol version 3, expected 2');
    expect(rejected('dl-lid', 1, hex('02 0102 0006 0bb8'))).toContain('sensor flags 0x6 name sensors this device does not have');
    expect(rejected('dl-lid', 1, hex('02 0102 0003 07d0'))).toContain('payload ends at byte 7');
    expect(rejected('dl-lid', 1, hex('02 0102 0002 0bb8 00'))).toContain('1 unexpected byte(s)');
    expect(rejected('dl-lid', 2, hex('02 0102 0002 0bb8'))).toContain('unknown FPort 2');
  });
});
