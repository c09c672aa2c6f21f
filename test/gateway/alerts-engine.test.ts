import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AlertActions,
  AlertEngine,
  AlertsRepository,
  DEFAULT_THRESHOLDS,
  SIGNATURE_HEADER,
  verifyWebhookSignature,
  WebhookDispatcher,
  WebhooksRepository,
} from '@vulgraad/alerts';
import type { AlertChanged, Clock, ContainerStateChanged } from '@vulgraad/contracts';
import { ContainersRepository, createScratchDatabase, DevicesRepository, ReadingsRepository, type ScratchDatabase } from '@vulgraad/database';
import { testPostgresUrl } from '../support/services';

class ManualClock implements Clock {
  constructor(private at: Date) {}
  now(): Date {
    return new Date(this.at);
  }
  advance(ms: number): void {
    this.at = new Date(this.at.getTime() + ms);
  }
}

describe('alerts against PostgreSQL', () => {
  let scratch: ScratchDatabase;
  let containerId: string;
  const clock = new ManualClock(new Date('2026-03-02T10:00:00Z'));
  const published: AlertChanged[] = [];
  let repository: AlertsRepository;
  let sut: AlertEngine;

  const state = (fields: Partial<ContainerStateChanged>): ContainerStateChanged => ({
    containerId,
    district: 'Centrum',
    wasteType: 'residual',
    deviceId: 'd1',
    fillPct: 40,
    temperatureC: 15,
    batteryPct: 80,
    flags: [],
    measuredAt: clock.now().toISOString(),
    ...fields,
  });

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'alerts' });
    const [container] = await new ContainersRepository(scratch.db).upsert([
      { externalRef: 'c-1', lng: 4.9, lat: 52.37, district: 'Centrum', wasteType: 'residual', volumeL: 5000 },
    ]);
    containerId = container!.id;
    repository = new AlertsRepository(scratch.db);
    sut = new AlertEngine(repository, { defaults: DEFAULT_THRESHOLDS, clock, publish: async (e) => void published.push(e) });
    await sut.reload();
  });
  afterAll(async () => scratch?.drop());
  beforeEach(() => {
    published.length = 0;
  });

  it('opens one alert for a burst of full readings and resolves it on its own when the container is emptied', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => sut.onContainerState(state({ fillPct: 91 + i / 10 }))));
    await sut.idle();
    const open = await repository.list({ status: 'unresolved', containerId });
    expect(open.map((a) => a.cause)).toEqual(['container_full']);
    expect(published).toEqual([expect.objectContaining({ cause: 'container_full', change: 'opened', status: 'open' })]);

    // A second engine (another replica) that starts now agrees there is one already.
    const replica = new AlertEngine(repository, { defaults: DEFAULT_THRESHOLDS, clock, publish: async (e) => void published.push(e) });
    await replica.reload();
    await replica.onContainerState(state({ fillPct: 95 }));
    expect(published).toHaveLength(1);

    await sut.onContainerState(state({ fillPct: 3 }));
    const [alert] = await repository.list({ containerId, cause: 'container_full' });
    expect(alert).toMatchObject({ status: 'resolved', resolution: 'auto', resolvedBy: 'system' });
    expect((await repository.history(alert!.id)).map((h) => h.change)).toEqual(['opened', 'resolved']);
  });

  it('lets a person acknowledge and resolve, keeps the history, and refuses a second resolve', async () => {
    await sut.onContainerState(state({ temperatureC: 80 }));
    const [fire] = await repository.list({ status: 'open', containerId, cause: 'temperature_high' });
    const actions = new AlertActions(repository, clock, async (e) => void published.push(e));
    await actions.acknowledge(fire!.id, 'ops1', 'crew sent');
    await expect(actions.acknowledge(fire!.id, 'ops1', null)).rejects.toMatchObject({ code: 'conflict' });
    sut.noteChange(published[published.length - 1]!);
    await actions.resolve(fire!.id, 'ops1', 'extinguished');
    await expect(actions.resolve(fire!.id, 'ops1', null)).rejects.toMatchObject({ code: 'conflict' });
    await expect(actions.resolve('no-such-alert', 'ops1', null)).rejects.toMatchObject({ code: 'not_found' });
    const history = await repository.history(fire!.id);
    expect(history.map((h) => [h.change, h.by, h.note])).toEqual([
      ['opened', 'system', null],
      ['acknowledged', 'ops1', 'crew sent'],
      ['resolved', 'ops1', 'extinguished'],
    ]);
    expect(published.map((e) => e.change)).toEqual(['opened', 'acknowledged', 'resolved']);
  });

  it('opens sensor_silent on the timer with the clock, and resolves it when the sensor reports again', async () => {
    const devices = new DevicesRepository(scratch.db);
    const [device] = await devices.upsert([{ externalRef: 'silent-1', reportingIntervalS: 600 }]);
    await devices.bind(device!.id, containerId, new Date('2026-03-01T00:00:00Z'));
    await new ReadingsRepository(scratch.db).upsertStates([
      {
        containerId, deviceId: device!.id, measuredAt: clock.now(), fillPct: 30, distanceMm: null, temperatureC: 10, batteryPct: 70,
        flags: [], unchangedSince: null, unchangedCount: 0,
      },
    ]);
    expect(await sut.checkSilence()).toBe(0);
    clock.advance(31 * 60_000);
    expect(await sut.checkSilence()).toBe(1);
    expect(await sut.checkSilence()).toBe(0);
    expect(published).toEqual([expect.objectContaining({ cause: 'sensor_silent', change: 'opened' })]);
    await sut.onContainerState(state({}));
    expect(published[1]).toMatchObject({ cause: 'sensor_silent', change: 'resolved' });
  });

  it('uses per-district thresholds stored in alert_settings', async () => {
    await repository.saveThresholdOverrides('Centrum', { batteryLowPct: 50 }, 'admin');
    await sut.reload();
    await sut.onContainerState(state({ batteryPct: 45 }));
    expect(published).toEqual([expect.objectContaining({ cause: 'battery_low', change: 'opened' })]);
  });

  describe('webhooks', () => {
    let server: Server;
    let url: string;
    const received: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
    let failuresLeft = 2;

    beforeAll(async () => {
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          received.push({ headers: req.headers, body });
          res.statusCode = failuresLeft-- > 0 ? 503 : 204;
          res.end();
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    });
    afterAll(async () => new Promise((r) => server.close(r)));

    it('delivers a signed change after retries with backoff, logs every attempt, and gives up after the last', async () => {
      const webhooks = new WebhooksRepository(scratch.db);
      const secret = 'webhook-secret-0123456789';
      const hook = await webhooks.create({ url, secret, causes: ['temperature_high'] }, 'admin');
      const dead = await webhooks.create({ url: 'http://127.0.0.1:9/unreachable', secret, districts: ['Noord'] }, 'admin');
      const dispatcher = new WebhookDispatcher(webhooks, clock, { maxAttempts: 3, baseDelayMs: 60_000, maxDelayMs: 600_000, timeoutMs: 2000, pollMs: 1000, batchSize: 10, allowPrivateTargets: true });

      await sut.onContainerState(state({ temperatureC: 90 }));
      await sut.onContainerState(state({ fillPct: 99, temperatureC: 90 })); // container_full: not a cause this hook wants
      expect(await dispatcher.runOnce()).toBe(1);
      expect(await dispatcher.runOnce()).toBe(0); // the retry waits for its backoff
      clock.advance(60_000);
      expect(await dispatcher.runOnce()).toBe(1);
      clock.advance(120_000);
      expect(await dispatcher.runOnce()).toBe(1);

      expect(received).toHaveLength(3);
      const last = received[2]!;
      expect(verifyWebhookSignature(secret, String(last.headers[SIGNATURE_HEADER]), last.body, Math.floor(Date.now() / 1000))).toBe(true);
      expect(JSON.parse(last.body)).toMatchObject({ event: 'alert.changed', data: { cause: 'temperature_high', change: 'opened' } });

      const [delivery] = await webhooks.deliveries(hook.id);
      expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 204 });
      expect(delivery!.attemptLog.map((a) => a.statusCode)).toEqual([503, 503, 204]);
      expect(await webhooks.deliveries(dead.id)).toEqual([]); // district filter: Centrum is not Noord

      // A receiver that never answers is given up after maxAttempts, with the error kept.
      const down = await webhooks.create({ url: 'http://127.0.0.1:9/down', secret, causes: ['battery_low'] }, 'admin');
      await sut.onContainerState(state({ batteryPct: 80 }));
      await sut.onContainerState(state({ batteryPct: 5 }));
      for (let i = 0; i < 3; i++) {
        await dispatcher.runOnce();
        clock.advance(600_000);
      }
      const [gaveUp] = await webhooks.deliveries(down.id);
      expect(gaveUp).toMatchObject({ status: 'failed', attempts: 3 });
      expect(gaveUp!.lastError).toMatch(/\w+/);
    });
  });
});
