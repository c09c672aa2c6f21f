import { createScratchDatabase, type ReadingRow, ReadingsRepository, RejectedMessagesRepository, type ScratchDatabase } from '@vulgraad/database';
import { seedDevices, type SeededDevice } from '../ingest/harness';
import { testPostgresUrl } from '../support/services';
import { ADMIN_PASSWORD, call, login, type RunningGateway, startGateway } from './support/gateway-app';

const HOUR = 3_600_000;

/** Hourly readings of a device over the last 14 days, shaped by the callbacks. */
function history(device: SeededDevice, now: number, shape: { battery: (daysAgo: number) => number; skip?: (hoursAgo: number) => boolean; rssi?: number }): ReadingRow[] {
  const rows: ReadingRow[] = [];
  for (let hoursAgo = 14 * 24 - 1; hoursAgo >= 1; hoursAgo--) {
    if (shape.skip?.(hoursAgo)) continue;
    const measuredAt = new Date(now - hoursAgo * HOUR);
    rows.push({
      containerId: device.containerId, deviceId: device.deviceId, measuredAt, receivedAt: measuredAt, fillPct: 40, distanceMm: 1500, levelMm: null,
      temperatureC: 12, batteryPct: shape.battery(Math.floor(hoursAgo / 24)), batteryV: null, rssiDbm: shape.rssi ?? -95, snrDb: 5, seq: hoursAgo,
      tiltDeg: null, flags: [], alarms: [], format: 'native', correlationId: null,
    });
  }
  return rows;
}

// The fleet-health view on a scratch PostgreSQL: sensors with histories that should and
// should not raise flags, read through the API as operations staff would, and exported.
describe('gateway: sensor fleet health', () => {
  let scratch: ScratchDatabase;
  let gw: RunningGateway;
  let token = '';
  let devices: SeededDevice[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'gw_fleet' });
    devices = await seedDevices(scratch.db, 'fleet', 5);
    // Whole hours, with today's first hours behind us, so the UTC days of the window are full.
    const now = Math.floor(Date.now() / HOUR) * HOUR;
    const [healthy, draining, fading, silent, weak] = devices;
    const rows = [
      ...history(healthy!, now, { battery: () => 90 }),
      ...history(draining!, now, { battery: (d) => 30 + 2 * d }),
      // Reported every hour, then for the last four days only every second hour.
      ...history(fading!, now, { battery: () => 80, skip: (h) => h < 4 * 24 && h % 2 !== 0 }),
      // Nothing in the last 12 hours.
      ...history(silent!, now, { battery: () => 70, skip: (h) => h < 12 }),
      ...history(weak!, now, { battery: () => 85, rssi: -119 }),
    ];
    await new ReadingsRepository(scratch.db).write(rows, 'unnest');
    await new RejectedMessagesRepository(scratch.db).insertMany([{
      receivedAt: new Date(now - HOUR), topic: 'POST /uplinks/devices/x', payload: Buffer.from('{"v":1'), payloadSize: 6, reason: 'malformed_json',
      detail: 'payload is not JSON', deviceRef: weak!.externalRef, format: 'native', correlationId: null,
    }]);
    gw = await startGateway({ db: scratch.db });
    token = await login(gw.url, 'admin', ADMIN_PASSWORD);
  });
  afterAll(async () => {
    await gw?.close();
    await scratch?.drop();
  });

  it('flags each sensor by its history, before the failing ones go silent', async () => {
    const { status, body } = await call<Array<{ externalRef: string; flags: string[]; batteryPct: number; batteryEmptyInDays: number | null; meanRssiDbm: number; rejected: number; lastMeasuredAt: string }>>(`${gw.url}/api/fleet-health`, { token });
    expect(status).toBe(200);
    const byRef = new Map(body.map((r) => [r.externalRef, r]));
    const [healthy, draining, fading, silent, weak] = devices.map((d) => byRef.get(d.externalRef)!);
    expect(healthy!.flags).toEqual([]);
    expect(draining!.flags).toEqual(['battery_failing']);
    expect(draining!.batteryPct).toBe(30);
    expect(draining!.batteryEmptyInDays).toBeCloseTo(12.5, 0);
    expect(fading!.flags).toEqual(['gaps_growing']);
    expect(silent!.flags).toContain('silent');
    expect(weak!.flags.sort()).toEqual(['rejected_messages', 'weak_signal']);
    expect(weak!.meanRssiDbm).toBe(-119);
    expect(weak!.rejected).toBe(1);
  });

  it('filters by flag, and exports CSV', async () => {
    const failing = await call<Array<{ externalRef: string }>>(`${gw.url}/api/fleet-health?flag=battery_failing`, { token });
    expect(failing.body.map((r) => r.externalRef)).toEqual([devices[1]!.externalRef]);
    const bad = await call<{ field: string }>(`${gw.url}/api/fleet-health?flag=grumpy`, { token });
    expect(bad.status).toBe(400);
    const csv = await fetch(`${gw.url}/api/fleet-health?format=csv`, { headers: { authorization: `Bearer ${token}` } });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toMatch(/^externalRef,devEui,model/);
    expect(lines).toHaveLength(devices.length + 1);
    expect(lines.find((l) => l.startsWith(devices[4]!.externalRef))).toContain('weak_signal rejected_messages');
  });

  it('lists the rejected messages of one device', async () => {
    const { status, body } = await call<Array<{ reason: string }>>(`${gw.url}/api/fleet-health/${devices[4]!.deviceId}/rejected`, { token });
    expect(status).toBe(200);
    expect(body.map((r) => r.reason)).toEqual(['malformed_json']);
  });
});
