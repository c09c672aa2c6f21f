import { InProcessEventBus } from './in-process-event-bus';

describe(InProcessEventBus.name, () => {
  it('delivers to every subscriber and isolates a failing handler', async () => {
    const errors: unknown[] = [];
    const sut = new InProcessEventBus((e) => errors.push(e));
    const seen: string[] = [];
    await sut.subscribe('vehicle.status', () => {
      throw new Error('boom');
    });
    const off = await sut.subscribe('vehicle.status', (p) => {
      seen.push(p.vehicleId);
    });
    await sut.publish('vehicle.status', { vehicleId: 't1', district: null, status: 'out_of_service', at: '2026-01-01T00:00:00Z' });
    await off();
    await sut.publish('vehicle.status', { vehicleId: 't2', district: null, status: 'in_service', at: '2026-01-01T00:00:00Z' });
    expect(seen).toEqual(['t1']);
    expect(errors).toHaveLength(2);
  });

  it('delivers the events of a list one by one, in order', async () => {
    const sut = new InProcessEventBus();
    const seen: string[] = [];
    await sut.subscribe('vehicle.status', (p) => {
      seen.push(p.vehicleId);
    });
    const status = (vehicleId: string) => ({ vehicleId, district: null, status: 'in_service' as const, at: '2026-01-01T00:00:00Z' });
    await sut.publishAll('vehicle.status', [status('t1'), status('t2'), status('t3')]);
    await sut.publishAll('vehicle.status', []);
    expect(seen).toEqual(['t1', 't2', 't3']);
  });
});
