import { bindingAt, type DeviceBinding } from './devices.repository';

describe(bindingAt.name, () => {
  const binding = (id: number, from: string, to: string | null): DeviceBinding => ({
    id,
    deviceId: 'd1',
    containerId: `c${id}`,
    validFrom: new Date(from),
    validTo: to ? new Date(to) : null,
  });
  const history = [binding(1, '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'), binding(2, '2026-02-01T00:00:00Z', null)];

  it('picks the binding valid at the time, with validTo exclusive', () => {
    expect(bindingAt(history, new Date('2026-01-15T00:00:00Z'))?.id).toBe(1);
    expect(bindingAt(history, new Date('2026-02-01T00:00:00Z'))?.id).toBe(2);
    expect(bindingAt(history, new Date('2030-01-01T00:00:00Z'))?.id).toBe(2);
  });

  it('finds nothing before the first binding', () => {
    expect(bindingAt(history, new Date('2025-12-31T23:59:59Z'))).toBeNull();
  });
});
