import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createScratchDatabase, ReadingsRepository, type ScratchDatabase } from '@vulgraad/database';
import { testPostgresUrl } from '../support/services';
import { seedDevices } from './harness';
import { giveDeviceSecret, registerIntegration, type RunningHttpIngest, startHttpIngest } from './http-harness';

const DOC = path.resolve(__dirname, '..', '..', 'docs', 'network-servers.md');

interface Example {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  answer: number;
}

/** Every ```http block of the doc with the `answer: <status>` line after it. */
function examples(): Example[] {
  const found: Example[] = [];
  for (const m of readFileSync(DOC, 'utf8').matchAll(/```http\n([\s\S]*?)\n```\nanswer: (\d+)/g)) {
    const [head, ...rest] = (m[1] as string).split('\n\n');
    const [requestLine, ...headerLines] = (head as string).split('\n');
    const [method, target] = (requestLine as string).split(' ') as [string, string];
    const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
    found.push({ method, path: target, headers, body: rest.join('\n\n'), answer: Number(m[2]) });
  }
  return found;
}

// docs/network-servers.md shows each request as a network server or a sensor sends it, and the
// answer it gets: this sends every one of them, with the devices and integrations the text names.
describe('docs/network-servers.md: its example requests', () => {
  let scratch: ScratchDatabase;
  let ingest: RunningHttpIngest;
  const secrets = new Map<string, string>();

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'ingest_docs' });
    ingest = await startHttpIngest(scratch.url);
    secrets.set('tts/city-tts', await registerIntegration(scratch.db, 'city-tts', 'tts', ['waste-levels']));
    secrets.set('chirpstack/city-cs', await registerIntegration(scratch.db, 'city-cs', 'chirpstack', null));
    secrets.set('kpn/city-kpn', await registerIntegration(scratch.db, 'city-kpn', 'kpn', null));
    const [tts, cs, kpn, nb] = await seedDevices(scratch.db, 'docs', 4);
    // The names the doc uses, given to the seeded (bound) devices.
    await scratch.db.query(`UPDATE devices SET external_ref = 'sens-vul-00002', dev_eui = '70b3d57ed005a1b2', lorawan_application_id = 'waste-levels' WHERE id = $1`, [tts!.deviceId]);
    await scratch.db.query(`UPDATE devices SET external_ref = 'df702-17', dev_eui = 'a84041000181c061', model = 'dingtek-df702', lorawan_application_id = 'c2a4e9a5-7b4e-4f8e-9d3e-5b0b1a2c3d4e' WHERE id = $1`, [cs!.deviceId]);
    await scratch.db.query(`UPDATE devices SET external_ref = 'kpn-sensor-3a', dev_eui = '0059ac00001b2f3a', lorawan_application_id = 'city-kpn' WHERE id = $1`, [kpn!.deviceId]);
    await scratch.db.query(`UPDATE devices SET external_ref = 'nbiot-0042' WHERE id = $1`, [nb!.deviceId]);
    secrets.set('devices/nbiot-0042', await giveDeviceSecret(scratch.db, 'nbiot-0042'));
  });
  afterAll(async () => {
    await ingest?.close();
    await scratch?.drop();
  });

  it('has examples of every door', () => {
    const paths = examples().map((e) => e.path.split('?')[0]!.split('/')[2]);
    expect(new Set(paths)).toEqual(new Set(['tts', 'chirpstack', 'kpn', 'devices']));
  });

  it('each example gets the answer the text gives, and the stored readings are what the text says', async () => {
    const got: Array<{ path: string; expected: number; status: number; body: string }> = [];
    for (const example of examples()) {
      const key = example.path.split('?')[0]!.split('/').slice(2, 4).join('/');
      const secret = secrets.get(key)!;
      const headers = { ...example.headers };
      if (headers['x-vulgraad-secret'] === '<secret>') headers['x-vulgraad-secret'] = secret;
      if (headers['things-message-token'] === '<token>') headers['things-message-token'] = createHash('sha256').update(example.body + secret).digest('hex');
      const response = await fetch(`${ingest.baseUrl}${example.path}`, { method: example.method, headers, body: example.body });
      got.push({ path: example.path, expected: example.answer, status: response.status, body: await response.text() });
    }
    expect(got.filter((g) => g.status !== g.expected)).toEqual([]);

    const byRef = async (ref: string) => {
      const { rows } = await scratch.db.query<{ id: string; container_id: string }>(
        'SELECT d.id, b.container_id FROM devices d JOIN device_bindings b ON b.device_id = d.id WHERE d.external_ref = $1', [ref]);
      return new ReadingsRepository(scratch.db).range(rows[0]!.container_id, new Date(0), new Date('2100-01-01'));
    };
    expect(await byRef('sens-vul-00002')).toEqual([expect.objectContaining({ distanceMm: 830, fillPct: 66.8, seq: 417, rssiDbm: -97 })]);
    expect(await byRef('df702-17')).toEqual([expect.objectContaining({ distanceMm: 2000, temperatureC: 25, seq: 88 })]);
    expect(await byRef('kpn-sensor-3a')).toEqual([expect.objectContaining({ distanceMm: 1250, batteryPct: 77, seq: 31 })]);
    expect(await byRef('nbiot-0042')).toEqual([expect.objectContaining({ distanceMm: 830, seq: 17, measuredAt: new Date('2026-05-04T08:15:30Z') })]);
  });
});
