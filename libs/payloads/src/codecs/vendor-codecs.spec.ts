import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CodecSandbox } from './codec-sandbox';
import { listCodecModels, VendorCodecs } from './vendor-codecs';

/**
 * A codec in The Things Network's format for a made-up ultrasonic sensor:
 * FPort 2, bytes 0-1 distance in cm, 2-3 battery in mV, 4 temperature in °C
 * (signed), 5 flags (bit 0 fire, bit 1 tilted).
 */
const ACME_CODEC = `
function decodeUplink(input) {
  if (input.fPort !== 2) return { errors: ['unknown FPort ' + input.fPort] };
  var b = input.bytes;
  if (b.length < 6) return { errors: ['frame too short: ' + b.length + ' bytes'] };
  var temp = b[4] > 127 ? b[4] - 256 : b[4];
  return {
    data: {
      distance: (b[0] << 8) | b[1],
      battery: { voltage: (b[2] << 8) | b[3] },
      temperature: temp,
      alarms: { fire: (b[5] & 1) === 1, tilt: (b[5] & 2) === 2 }
    },
    warnings: temp > 60 ? ['hot'] : []
  };
}`;
const ACME_MAPPING = {
  fields: { distanceMm: { path: 'distance', unit: 'cm' }, batteryV: { path: 'battery.voltage', unit: 'mV' }, temperatureC: 'temperature' },
  alarms: { fire: 'alarms.fire', tilt: 'alarms.tilt' },
};
const frame = (...bytes: number[]) => new Uint8Array(bytes);

describe(VendorCodecs.name, () => {
  let sut: VendorCodecs;
  beforeAll(async () => {
    sut = await VendorCodecs.of([
      { model: 'acme-ul20', source: ACME_CODEC, mapping: ACME_MAPPING },
      { model: 'throws', source: 'function decodeUplink(input) { return input.bytes.nope.length; }', mapping: { fields: { fillPct: 'fill' } } },
      { model: 'loops', source: 'function decodeUplink(input) { if (input.bytes[0] === 1) { while (true) {} } return { data: { fill: 5 } }; }', mapping: { fields: { fillPct: 'fill' } } },
      { model: 'nonsense', source: 'function decodeUplink(input) { return input.fPort === 1 ? { data: "full" } : input.fPort === 2 ? { data: { fill: "very" } } : 42; }', mapping: { fields: { fillPct: 'fill' } } },
      { model: 'curious', source: 'function decodeUplink() { return { data: { seen: [typeof fetch, typeof require, typeof process, typeof setTimeout, typeof XMLHttpRequest].join(",") } }; }', mapping: { fields: {} } },
    ], { cpuMs: 50, memoryBytes: 8 * 1024 * 1024 });
  });
  afterAll(() => sut.dispose());

  it('runs a vendor codec and maps its output to reading fields with units', () => {
    expect(sut.decode('ACME-UL20', 2, frame(0x00, 0x7d, 0x0e, 0x10, 0x0c, 0x01))).toEqual({
      ok: true,
      fields: { distanceMm: 1250, batteryV: 3.6, temperatureC: 12, alarms: ['fire'], decodedBy: 'ACME-UL20' },
    });
  });

  it('rejects with the codec\'s own errors', () => {
    expect(sut.decode('acme-ul20', 9, frame(1, 2, 3, 4, 5, 6))).toEqual({ ok: false, reason: 'undecodable_payload', detail: 'codec acme-ul20 reported: unknown FPort 9' });
  });

  it('a codec that throws is rejected with what it threw', () => {
    const result = sut.decode('throws', 1, frame(1));
    expect(result).toMatchObject({ ok: false, reason: 'undecodable_payload', detail: expect.stringMatching(/^codec throws threw TypeError/) });
  });

  it('a codec that loops is stopped by its CPU budget, and the next call works', () => {
    expect(sut.decode('loops', 1, frame(1))).toEqual({ ok: false, reason: 'undecodable_payload', detail: 'codec loops: stopped after 50 ms of CPU (a loop?)' });
    expect(sut.decode('loops', 1, frame(2))).toEqual({ ok: true, fields: { fillPct: 5, decodedBy: 'loops' } });
  });

  it('a codec that allocates without end is stopped at its memory limit, and the next call starts afresh', async () => {
    // A CPU budget large enough that the memory limit is what stops it.
    const hungry = await VendorCodecs.of([{
      model: 'hungry',
      source: 'var calls = 0; function decodeUplink(input) { calls++; if (input.fPort === 1) { var a = [], s = "x".repeat(10000); for (;;) a.push(s + a.length); } return { data: { fill: calls } }; }',
      mapping: { fields: { fillPct: 'fill' } },
    }], { cpuMs: 10_000, memoryBytes: 8 * 1024 * 1024 });
    try {
      expect(hungry.decode('hungry', 1, frame(1))).toEqual({ ok: false, reason: 'undecodable_payload', detail: 'codec hungry: used more than 8 MiB' });
      // Rebuilt from the source: the counter of the stopped interpreter is gone.
      expect(hungry.decode('hungry', 2, frame(1))).toEqual({ ok: true, fields: { fillPct: 1, decodedBy: 'hungry' } });
    } finally {
      hungry.dispose();
    }
  });

  it('nonsense answers are refused, never stored', () => {
    expect(sut.decode('nonsense', 1, frame(1))).toMatchObject({ ok: false, detail: expect.stringContaining('data must be an object') });
    expect(sut.decode('nonsense', 2, frame(1))).toMatchObject({ ok: false, detail: expect.stringContaining('data.fill (for fillPct) is "very", not a number') });
    expect(sut.decode('nonsense', 3, frame(1))).toMatchObject({ ok: false, detail: expect.stringContaining('must return an object') });
  });

  it('a codec sees no network, module loader, process or timers', () => {
    const sandbox = sut as unknown as { codecs: Map<string, { sandbox: CodecSandbox }> };
    expect(sandbox.codecs.get('curious')!.sandbox.decode({ bytes: [], fPort: 1 })).toEqual({ ok: true, data: { seen: 'undefined,undefined,undefined,undefined,undefined' }, warnings: [] });
  });

  it('models without a codec go to the decoders written for vulgraad', () => {
    expect(sut.decode('dingtek-df702', 3, Buffer.from('800001011107d000190000000000000081', 'hex'))).toMatchObject({ ok: true, fields: { distanceMm: 2000 } });
  });

  it('refuses a source without decodeUplink, and a codec folder with a bad mapping, naming the file', async () => {
    await expect(CodecSandbox.load('empty', 'var x = 1;')).rejects.toThrow('codec empty: defines no function decodeUplink(input)');
    await expect(CodecSandbox.load('broken', 'function decodeUplink( {')).rejects.toThrow(/codec broken: does not load/);
    await expect(CodecSandbox.load('spins', 'while (true) {} function decodeUplink(input) { return { data: {} }; }')).rejects.toThrow('codec spins: does not load: interrupted');
    const dir = mkdtempSync(path.join(tmpdir(), 'codecs-'));
    try {
      writeFileSync(path.join(dir, 'acme.js'), ACME_CODEC);
      writeFileSync(path.join(dir, 'acme.codec.json'), JSON.stringify({ model: 'acme-ul20', codec: 'acme.js', ...ACME_MAPPING }));
      const loaded = await VendorCodecs.loadDir(dir);
      expect(loaded.models()).toEqual(['acme-ul20']);
      expect(listCodecModels(dir)).toEqual(['acme-ul20']);
      loaded.dispose();
      writeFileSync(path.join(dir, 'bad.codec.json'), JSON.stringify({ model: 'bad', codec: 'acme.js', fields: { volume: 'x', distanceMm: { path: 'd', unit: 'furlong' } } }));
      await expect(VendorCodecs.loadDir(dir)).rejects.toThrow(/bad\.codec\.json: "volume" is not a reading field .*unit "furlong" is none of mm, cm, m/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
