import path from 'node:path';
import { createScratchDatabase, ReadingsRepository, RejectedMessagesRepository, type ScratchDatabase } from '@vulgraad/database';
import { buildTtnV3Uplink } from '@vulgraad/payloads';
import { testPostgresUrl } from '../support/services';
import { seedDevices } from './harness';
import { registerIntegration, type RunningHttpIngest, startHttpIngest } from './http-harness';

// A sensor model only a vendor codec knows (test/ingest/codecs), through the ingest and
// its sandbox: its readings are stored; a codec that loops, throws or answers nonsense
// costs that uplink (kept as rejected with the reason) and nothing else.
describe('ingest: vendor codecs in a sandbox', () => {
  let scratch: ScratchDatabase;
  let ingest: RunningHttpIngest;
  let secret: string;

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'ingest_codecs' });
    ingest = await startHttpIngest(scratch.url, { INGEST_CODECS_DIR: path.join(__dirname, 'codecs'), INGEST_CODEC_CPU_MS: '50' });
    secret = await registerIntegration(scratch.db, 'codec-tts', 'tts', null);
  });
  afterAll(async () => {
    await ingest?.close();
    await scratch?.drop();
  });

  it('decodes with the codec and its mapping; a looping, throwing or nonsense frame is rejected and the next one stored', async () => {
    const [device] = await seedDevices(scratch.db, 'acme', 1, { model: 'acme-ul20', lorawanApplicationId: 'waste' });
    const send = (fCnt: number, fPort: number, hex: string) =>
      fetch(`${ingest.baseUrl}/uplinks/tts/codec-tts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-vulgraad-secret': secret },
        body: buildTtnV3Uplink({ deviceId: device!.externalRef, devEui: device!.devEui, applicationId: 'waste', receivedAt: new Date(Date.now() - 60_000 + fCnt), fCnt, fPort, bytes: Buffer.from(hex, 'hex') }).payload,
      });

    expect((await send(1, 2, '00960e100c01')).status).toBe(200);
    const outcomes = [];
    for (const [fCnt, hex] of [[2, 'ff'], [3, 'ee'], [4, 'dd']] as const) {
      const res = await send(fCnt, 99, hex);
      outcomes.push({ status: res.status, body: (await res.json()) as { reason: string; message: string } });
    }
    expect((await send(5, 2, '00c80dac0a00')).status).toBe(200);

    expect(outcomes.map((o) => o.status)).toEqual([422, 422, 422]);
    expect(outcomes.map((o) => o.body.reason)).toEqual(['undecodable_payload', 'undecodable_payload', 'undecodable_payload']);
    expect(outcomes[0]!.body.message).toBe('codec acme-ul20: stopped after 50 ms of CPU (a loop?)');
    expect(outcomes[1]!.body.message).toMatch(/codec acme-ul20 threw Error: corrupt frame/);
    expect(outcomes[2]!.body.message).toMatch(/data.distance \(for distanceMm\) is "far", not a number/);

    const rows = await new ReadingsRepository(scratch.db).range(device!.containerId, new Date(0), new Date('2100-01-01'));
    expect(rows.map((r) => ({ seq: r.seq, distanceMm: r.distanceMm, batteryV: r.batteryV, temperatureC: r.temperatureC, alarms: r.alarms })).sort((a, b) => a.seq! - b.seq!)).toEqual([
      { seq: 1, distanceMm: 1500, batteryV: 3.6, temperatureC: 12, alarms: ['fire'] },
      { seq: 5, distanceMm: 2000, batteryV: 3.5, temperatureC: 10, alarms: [] },
    ]);
    const rejected = (await new RejectedMessagesRepository(scratch.db).recent({ reason: 'undecodable_payload' })).filter((r) => r.deviceRef === device!.externalRef);
    expect(rejected).toHaveLength(3);
  });
});
