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
});
