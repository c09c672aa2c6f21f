import { createHash } from 'node:crypto';
import net from 'node:net';
import { createScratchDatabase, ReadingsRepository, RejectedMessagesRepository, type ScratchDatabase } from '@vulgraad/database';
import { buildChirpstackV4Uplink, buildTtnV3Uplink } from '@vulgraad/payloads';
import { testPostgresUrl } from '../support/services';
import { seedDevices } from './harness';
import { giveDeviceSecret, registerIntegration, type RunningHttpIngest, startHttpIngest } from './http-harness';

// The HTTP doors of the ingest against a scratch PostgreSQL: each answer
// comes after the commit, says what was wrong, and leaves a rejected row.
describe('ingest: HTTP uplinks', () => {
  let scratch: ScratchDatabase;
  let ingest: RunningHttpIngest;
  let ttsSecret: string;
  let chirpSecret: string;
  let kpnSecret: string;

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'ingest_http' });
    ingest = await startHttpIngest(scratch.url, { INGEST_HTTP_DEVICE_RATE_PER_MIN: '1', INGEST_MAX_PAYLOAD_BYTES: '2048' });
    ttsSecret = await registerIntegration(scratch.db, 'city-tts', 'tts', ['waste']);
    chirpSecret = await registerIntegration(scratch.db, 'city-cs', 'chirpstack', null);
    kpnSecret = await registerIntegration(scratch.db, 'city-kpn', 'kpn', null);
  });
  afterAll(async () => {
    await ingest?.close();
    await scratch?.drop();
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${ingest.baseUrl}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const readingsOf = (containerId: string) => new ReadingsRepository(scratch.db).range(containerId, new Date(0), new Date('2100-01-01'));
  const rejected = async (source: string) => (await new RejectedMessagesRepository(scratch.db).recent({ limit: 500 })).filter((r) => r.topic === source);

  it('The Things Stack webhook: stored before the 200, a retry stored once, the gateway signal kept', async () => {
    const [device] = await seedDevices(scratch.db, 'tts', 1, { lorawanApplicationId: 'waste' });
    const { payload } = buildTtnV3Uplink({
      deviceId: device!.externalRef, devEui: device!.devEui, applicationId: 'waste', receivedAt: new Date(Date.now() - 1000), fCnt: 12, rssi: -90, snr: 8,
      decoded: { distance: 500, battery_v: 3.6 },
    });
    const first = await post('/uplinks/tts/city-tts', payload, { 'x-vulgraad-secret': ttsSecret });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ status: 'stored' });
    // The answer came after the commit: the row is there without waiting.
    expect(await readingsOf(device!.containerId)).toEqual([expect.objectContaining({ format: 'ttn-v3', distanceMm: 500, fillPct: 80, rssiDbm: -90, snrDb: 8, seq: 12 })]);

    const retry = await post('/uplinks/tts/city-tts', payload, { authorization: `Bearer ${ttsSecret}` });
    expect(retry.status).toBe(200);
    expect(await readingsOf(device!.containerId)).toHaveLength(1);
  });

  it('webhooks on one kept connection of their own (read off the connection): stored, refused, rejected with a reason, each answered in turn', async () => {
    const [device] = await seedDevices(scratch.db, 'ttsraw', 1, { lorawanApplicationId: 'waste' });
    const good = buildTtnV3Uplink({ deviceId: device!.externalRef, devEui: device!.devEui, applicationId: 'waste', receivedAt: new Date(Date.now() - 1000), fCnt: 3, decoded: { distance: 700 } });
    const request = (path: string, body: string, secret: string | null) =>
      `POST ${path} HTTP/1.1\r\nHost: ingest\r\nContent-Type: application/json\r\n${secret ? `X-Vulgraad-Secret: ${secret}\r\n` : ''}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const { port } = new URL(ingest.baseUrl);
    // All four are sent at once, as a client that does not wait would: the answers come in the same order.
    const text = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () =>
        socket.write(
          request('/uplinks/tts/city-tts', good.payload, ttsSecret) + request('/uplinks/tts/city-tts', good.payload, 'wrong') +
            request('/uplinks/tts/city-tts', '{"end_device_ids":', ttsSecret) + request('/uplinks/nowhere/x', '{}', ttsSecret),
        ),
      );
      let received = '';
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString();
        if (received.split('HTTP/1.1 ').length === 5 && received.endsWith('}')) {
          socket.destroy();
          resolve(received);
        }
      });
      socket.on('error', reject);
    });
    expect([...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1])).toEqual(['200', '401', '400', '404']);
    expect(text).toContain('{"status":"stored"}');
    expect(text).toContain('"reason":"malformed_json"');
    expect(await readingsOf(device!.containerId)).toEqual([expect.objectContaining({ distanceMm: 700, seq: 3 })]);
    expect((await rejected('POST /uplinks/tts/city-tts')).map((r) => r.payload.toString())).toContain('{"end_device_ids":');
  });

  it('refuses a missing or wrong secret with 401 and writes nothing', async () => {
    const [device] = await seedDevices(scratch.db, 'ttsauth', 1, { lorawanApplicationId: 'waste' });
    const { payload } = buildTtnV3Uplink({ deviceId: device!.externalRef, devEui: device!.devEui, applicationId: 'waste', receivedAt: new Date(), fCnt: 1, decoded: { fill: 30 } });
    const none = await post('/uplinks/tts/city-tts', payload);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { message: string }).message).toMatch(/x-vulgraad-secret/);
    const wrong = await post('/uplinks/tts/city-tts', payload, { 'x-vulgraad-secret': 'not-the-secret' });
    expect(wrong.status).toBe(401);
    const unknown = await post('/uplinks/tts/nobody', payload, { 'x-vulgraad-secret': ttsSecret });
    expect(unknown.status).toBe(401);
    // The ChirpStack integration's secret does not open the TTS door either.
    const otherKind = await post('/uplinks/tts/city-cs', payload, { 'x-vulgraad-secret': chirpSecret });
    expect(otherKind.status).toBe(403);
    expect(await readingsOf(device!.containerId)).toHaveLength(0);
  });

  it('an application the integration does not deliver for, and a device of another application: 403 foreign_device, kept as rejected', async () => {
    const [ours] = await seedDevices(scratch.db, 'ttsapp', 1, { lorawanApplicationId: 'waste' });
    const [theirs] = await seedDevices(scratch.db, 'ttsother', 1, { lorawanApplicationId: 'parking' });
    const otherApp = buildTtnV3Uplink({ deviceId: ours!.externalRef, devEui: ours!.devEui, applicationId: 'parking', receivedAt: new Date(), fCnt: 3, decoded: { fill: 30 } });
    const a = await post('/uplinks/tts/city-tts', otherApp.payload, { 'x-vulgraad-secret': ttsSecret });
    expect(a.status).toBe(403);
    expect(await a.json()).toMatchObject({ reason: 'foreign_device', message: expect.stringContaining('"parking"') });
    // Named under our application, but registered under another: the pipeline's own check.
    const disguised = buildTtnV3Uplink({ deviceId: theirs!.externalRef, devEui: theirs!.devEui, applicationId: 'waste', receivedAt: new Date(), fCnt: 4, decoded: { fill: 30 } });
    const b = await post('/uplinks/tts/city-tts', disguised.payload, { 'x-vulgraad-secret': ttsSecret });
    expect(b.status).toBe(403);
    expect(await b.json()).toMatchObject({ reason: 'foreign_device' });
    expect((await rejected('POST /uplinks/tts/city-tts')).filter((r) => r.reason === 'foreign_device')).toHaveLength(2);
    expect(await readingsOf(theirs!.containerId)).toHaveLength(0);
  });

  it('bad bodies: 400 naming the field, 413 over the limit, 422 for an unknown device or a time in the future; each a rejected row', async () => {
    const [device] = await seedDevices(scratch.db, 'ttsbad', 1, { lorawanApplicationId: 'waste' });
    const auth = { 'x-vulgraad-secret': ttsSecret };
    const notJson = await post('/uplinks/tts/city-tts', '{"end_device_ids":', auth);
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ reason: 'malformed_json' });

    const noUplink = await post('/uplinks/tts/city-tts', JSON.stringify({ end_device_ids: { device_id: device!.externalRef, application_ids: { application_id: 'waste' } } }), auth);
    expect(noUplink.status).toBe(400);
    expect(await noUplink.json()).toMatchObject({ reason: 'missing_field', message: expect.stringContaining('uplink_message') });

    const big = buildTtnV3Uplink({ deviceId: device!.externalRef, devEui: device!.devEui, applicationId: 'waste', receivedAt: new Date(), fCnt: 5, decoded: { fill: 30, pad: 'x'.repeat(4000) } });
    const tooBig = await post('/uplinks/tts/city-tts', big.payload, auth);
    expect(tooBig.status).toBe(413);
    expect(await tooBig.json()).toMatchObject({ reason: 'oversize' });

    const stranger = buildTtnV3Uplink({ deviceId: 'never-registered', devEui: '00000000000000aa', applicationId: 'waste', receivedAt: new Date(), fCnt: 6, decoded: { fill: 30 } });
    const unknown = await post('/uplinks/tts/city-tts', stranger.payload, auth);
    expect(unknown.status).toBe(422);
    expect(await unknown.json()).toMatchObject({ reason: 'unknown_device' });

    const ahead = buildTtnV3Uplink({ deviceId: device!.externalRef, devEui: device!.devEui, applicationId: 'waste', receivedAt: new Date(Date.now() + 86_400_000), fCnt: 7, decoded: { fill: 30 } });
    const future = await post('/uplinks/tts/city-tts', ahead.payload, auth);
    expect(future.status).toBe(422);
    expect(await future.json()).toMatchObject({ reason: 'future_time' });

    const rows = await rejected('POST /uplinks/tts/city-tts');
    for (const reason of ['malformed_json', 'missing_field', 'oversize', 'unknown_device', 'future_time']) expect(rows.map((r) => r.reason)).toContain(reason);
    expect(rows.find((r) => r.reason === 'oversize')!.payloadSize).toBe(Buffer.byteLength(big.payload));
    expect(rows.find((r) => r.reason === 'malformed_json')!.payload.toString()).toBe('{"end_device_ids":');
    expect(await readingsOf(device!.containerId)).toHaveLength(0);
  });

  it('ChirpStack HTTP integration: event=up decoded by the device model, other events acknowledged and left, protobuf refused', async () => {
    const [device] = await seedDevices(scratch.db, 'cs', 1, { model: 'dingtek-df702', lorawanApplicationId: 'app-7' });
    const { payload } = buildChirpstackV4Uplink({
      deviceId: device!.externalRef, devEui: device!.devEui, applicationId: 'app-7', receivedAt: new Date(Date.now() - 1000), fCnt: 9, fPort: 3,
      bytes: Buffer.from('800001011107d000190000000000000081', 'hex'),
    });
    const auth = { 'x-vulgraad-secret': chirpSecret };
    const up = await post('/uplinks/chirpstack/city-cs?event=up', payload, auth);
    expect(up.status).toBe(200);
    expect(await readingsOf(device!.containerId)).toEqual([expect.objectContaining({ format: 'chirpstack-v4', distanceMm: 2000, fillPct: 20, temperatureC: 25, seq: 9 })]);

    const join = await post('/uplinks/chirpstack/city-cs?event=join', JSON.stringify({ deviceInfo: { devEui: device!.devEui } }), auth);
    expect(join.status).toBe(204);
    const proto = await post('/uplinks/chirpstack/city-cs?event=up', 'binary', { ...auth, 'content-type': 'application/octet-stream' });
    expect(proto.status).toBe(400);
    expect(((await proto.json()) as { message: string }).message).toMatch(/encoding to JSON/);
    expect(await readingsOf(device!.containerId)).toHaveLength(1);
  });

  it('KPN Things: a SenML pack signed with Things-Message-Token, measurements by name and unit', async () => {
    const [device] = await seedDevices(scratch.db, 'kpn', 1, { lorawanApplicationId: 'city-kpn' });
    const bt = Math.floor(Date.now() / 1000) - 60;
    const body = JSON.stringify([
      { bn: `urn:dev:DEVEUI:${device!.devEui.toUpperCase()}:`, bt },
      { n: 'distance', u: 'm', v: 1.25 },
      { n: 'temperature', u: 'Cel', v: 14.5 },
      { n: 'battery', u: '%', v: 77 },
      { n: 'fcnt', v: 31 },
      { n: 'rssi', v: -101 },
    ]);
    const token = createHash('sha256').update(body + kpnSecret).digest('hex');
    const ok = await post('/uplinks/kpn/city-kpn', body, { 'things-message-token': token, 'content-type': 'application/vnd.kpnthings.senml+json' });
    expect(ok.status).toBe(200);
    expect(await readingsOf(device!.containerId)).toEqual([
      expect.objectContaining({ format: 'kpn-senml', distanceMm: 1250, fillPct: 50, temperatureC: 14.5, batteryPct: 77, seq: 31, rssiDbm: -101, measuredAt: new Date(bt * 1000) }),
    ]);
    const forged = await post('/uplinks/kpn/city-kpn', body.replace('1.25', '0.25'), { 'things-message-token': token });
    expect(forged.status).toBe(401);
    expect(await readingsOf(device!.containerId)).toHaveLength(1);
  });

  it('a sensor posting its own native reading with its device secret; its rate is limited', async () => {
    const [device] = await seedDevices(scratch.db, 'nbiot', 1);
    const secret = await giveDeviceSecret(scratch.db, device!.externalRef);
    const path = `/uplinks/devices/${device!.externalRef}`;
    const ok = await post(path, JSON.stringify({ v: 1, ts: new Date(Date.now() - 5000).toISOString(), seq: 1, fillPct: 42 }), { 'x-vulgraad-secret': secret });
    expect(ok.status).toBe(200);
    expect(await readingsOf(device!.containerId)).toEqual([expect.objectContaining({ format: 'native', fillPct: 42 })]);
    const wrongType = await post(path, JSON.stringify({ v: 1, ts: new Date().toISOString(), fillPct: '42' }), { 'x-vulgraad-secret': secret });
    expect(wrongType.status).toBe(400);
    expect(await wrongType.json()).toMatchObject({ reason: 'wrong_type', message: expect.stringContaining('fillPct') });
    const otherDevice = await post('/uplinks/devices/someone-else', JSON.stringify({ v: 1, ts: new Date().toISOString(), fillPct: 1 }), { 'x-vulgraad-secret': secret });
    expect(otherDevice.status).toBe(401);

    // INGEST_HTTP_DEVICE_RATE_PER_MIN=1 with a burst of 10: two were taken above, eight more pass, then 429.
    const statuses: number[] = [];
    for (let seq = 10; seq < 19; seq++) {
      statuses.push((await post(path, JSON.stringify({ v: 1, ts: new Date(Date.now() - 5000).toISOString(), seq, fillPct: 42 }), { 'x-vulgraad-secret': secret })).status);
    }
    expect(statuses.slice(0, 8)).toEqual(Array(8).fill(200));
    expect(statuses[8]).toBe(429);
  });

  it('counts every answer on /metrics by door and status: committed, kept as rejected, refused before the pipeline', async () => {
    const counted = async (): Promise<Record<string, number>> => {
      const text = await (await fetch(`${ingest.baseUrl}/metrics`)).text();
      const counts: Record<string, number> = {};
      for (const m of text.matchAll(/^vulgraad_ingest_http_requests_total\{route="(\w+)",status="(\d+)"\} (\d+)$/gm)) counts[`${m[1]} ${m[2]}`] = Number(m[3]);
      return counts;
    };
    const [device] = await seedDevices(scratch.db, 'ttsmetrics', 1, { lorawanApplicationId: 'waste' });
    const uplink = (fCnt: number) => buildTtnV3Uplink({ deviceId: device!.externalRef, devEui: device!.devEui, applicationId: 'waste', receivedAt: new Date(), fCnt, decoded: { fill: 30 } }).payload;
    const before = await counted();
    expect((await post('/uplinks/tts/city-tts', uplink(1), { 'x-vulgraad-secret': ttsSecret })).status).toBe(200);
    expect((await post('/uplinks/tts/city-tts', uplink(2), { 'x-vulgraad-secret': ttsSecret })).status).toBe(200);
    expect((await post('/uplinks/tts/city-tts', '{"end_device_ids":', { 'x-vulgraad-secret': ttsSecret })).status).toBe(400);
    expect((await post('/uplinks/tts/city-tts', uplink(3))).status).toBe(401);
    const after = await counted();
    const added = (key: string): number => (after[key] ?? 0) - (before[key] ?? 0);
    expect([added('tts 200'), added('tts 400'), added('tts 401')]).toEqual([2, 1, 1]);
  });
});
