import { createScratchDatabase, ReadingsRepository, type ScratchDatabase } from '@vulgraad/database';
import { buildTtnV3Uplink } from '@vulgraad/payloads';
import { testPostgresUrl } from '../support/services';
import { type SeededDevice, seedDevices, waitFor } from './harness';
import { registerIntegration, type RunningHttpIngest, startHttpIngest } from './http-harness';

// Concurrent webhooks share the pipeline's batches (one transaction for
// many requests): each request is answered only once its own reading is
// committed, and when the group's commit fails every request of it is
// answered 503, so the senders retry and nothing is lost or stored twice.
describe('ingest: HTTP uplinks committed in groups', () => {
  let scratch: ScratchDatabase;
  let ingest: RunningHttpIngest;
  let secret: string;

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'ingest_http_group' });
    ingest = await startHttpIngest(scratch.url, { INGEST_HTTP_TIMEOUT_S: '1', INGEST_BATCH_WAIT_MS: '50' });
    secret = await registerIntegration(scratch.db, 'group-tts', 'tts', ['waste']);
  });
  afterAll(async () => {
    await ingest?.close();
    await scratch?.drop();
  });

  const uplink = (device: SeededDevice, fCnt: number): string =>
    buildTtnV3Uplink({ deviceId: device.externalRef, devEui: device.devEui, applicationId: 'waste', receivedAt: new Date(Date.now() - 1000), fCnt, decoded: { distance: 700 } }).payload;
  const post = (body: string) =>
    fetch(`${ingest.baseUrl}/uplinks/tts/group-tts`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-vulgraad-secret': secret } });
  const stored = async (device: SeededDevice): Promise<number> => (await new ReadingsRepository(scratch.db).range(device.containerId, new Date(0), new Date('2100-01-01'))).length;

  it('answers each of many concurrent requests 200 only once its reading is in the table', async () => {
    const devices = await seedDevices(scratch.db, 'grp', 40, { lorawanApplicationId: 'waste' });
    // Each answer is checked against the table the moment it arrives: the reading must already be there.
    const seenAtAnswer = await Promise.all(
      devices.map(async (device) => {
        const res = await post(uplink(device, 1));
        return { status: res.status, body: await res.json(), rows: await stored(device) };
      }),
    );
    expect(seenAtAnswer.every((s) => s.status === 200 && (s.body as { status: string }).status === 'stored' && s.rows === 1)).toBe(true);
  });

  it('answers 503 to every request of a group whose commit fails, and their retries store each reading once', async () => {
    const devices = await seedDevices(scratch.db, 'grpfail', 20, { lorawanApplicationId: 'waste' });
    // The database refuses every write to readings as a full disk would (not a problem of the data: the pipeline retries the batch).
    // The refusal ends by deleting a row, not by dropping the trigger: DDL on readings while the pipeline retries can deadlock with it.
    await scratch.db.query('CREATE TABLE refuse_readings_while (on_purpose boolean)');
    await scratch.db.query('INSERT INTO refuse_readings_while VALUES (true)');
    await scratch.db.query(`
      CREATE FUNCTION refuse_readings() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM refuse_readings_while) THEN RAISE EXCEPTION 'no space left for readings' USING ERRCODE = '53100'; END IF;
        RETURN NEW;
      END $$`);
    await scratch.db.query('CREATE TRIGGER refuse_readings BEFORE INSERT ON readings FOR EACH ROW EXECUTE FUNCTION refuse_readings()');
    const payloads = devices.map((device) => uplink(device, 7));
    const failed = await Promise.all(payloads.map(async (body) => {
      const res = await post(body);
      return { status: res.status, retryAfter: res.headers.get('retry-after') };
    }));
    expect(failed).toEqual(payloads.map(() => ({ status: 503, retryAfter: expect.any(String) })));
    expect((await Promise.all(devices.map(stored))).every((n) => n === 0)).toBe(true);

    await scratch.db.query('DELETE FROM refuse_readings_while');
    // The pipeline kept the batch and commits it once the database takes it again; the senders' retries are then duplicates.
    await waitFor(async () => (await Promise.all(devices.map(stored))).every((n) => n === 1), 30_000, 'the held batch committed');
    const retried = await Promise.all(payloads.map(async (body) => (await post(body)).status));
    expect(retried).toEqual(payloads.map(() => 200));
    expect(await Promise.all(devices.map(stored))).toEqual(devices.map(() => 1));
  });
});
