import { ContainersRepository, createScratchDatabase, DevicesRepository, type ScratchDatabase } from '@vulgraad/database';
import { generateCity } from '@vulgraad/city-model';
import { MemorySink, SensorSimulator } from '@vulgraad/sensor-simulator';
import { testPostgresUrl } from '../support/services';

// The simulator's registration export must fit the real schema: it is inserted through the
// registry's own repositories into a fresh, uniquely named PostgreSQL database.
describe('sensor simulator registrations in the registry', () => {
  let scratch: ScratchDatabase;

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'simreg' });
  });
  afterAll(async () => {
    await scratch?.drop();
  });

  it('registers every container, device, binding and LoRaWAN application, and finds devices by the refs their messages carry', async () => {
    const city = generateCity({ containers: 60, seed: 2 });
    const simulator = new SensorSimulator({ city, sink: new MemorySink(), format: 'mixed', start: new Date('2024-03-04T00:00:00Z') });
    const registrations = simulator.registrations();

    await scratch.db.transaction(async (tx) => {
      const containers = new ContainersRepository(tx);
      const devices = new DevicesRepository(tx);
      await containers.upsert(registrations.containers);
      for (const app of registrations.lorawanApplications) await devices.upsertApplication({ applicationId: app.applicationId, defaultModel: app.defaultModel });
      await devices.upsert(registrations.devices);
      for (const binding of registrations.bindings) await devices.bind(binding.deviceId, binding.containerId, new Date(binding.validFrom));
    });

    const containers = new ContainersRepository(scratch.db);
    const devices = new DevicesRepository(scratch.db);
    const stored = await containers.findByIds(city.containers.map((c) => c.id));
    expect(stored).toHaveLength(60);
    const first = stored.find((c) => c.id === city.containers[0]!.id)!;
    expect(first).toMatchObject({ externalRef: city.containers[0]!.externalRef, volumeL: city.containers[0]!.volumeL, wasteType: city.containers[0]!.wasteType });

    const found = await devices.findByRefs(registrations.devices.map((d) => d.deviceRef));
    expect(found).toHaveLength(60);
    const bindings = await devices.bindingsOf(found.map((d) => d.id));
    expect(bindings).toHaveLength(60);
    const boundContainer = new Map(bindings.map((b) => [b.deviceId, b.containerId]));
    for (const device of simulator.devices) expect(boundContainer.get(device.deviceId)).toBe(device.containerId);
  });
});
