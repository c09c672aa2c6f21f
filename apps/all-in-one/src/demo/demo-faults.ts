import type { Fault, SensorSimulator } from '@vulgraad/sensor-simulator';

export interface InjectedFault {
  deviceId: string;
  containerId: string;
  fault: Fault;
}

/**
 * Faults that make the demo's alerts show up in its first minute: a fire in
 * one container (temperature_high on its next reading) and a sensor whose
 * battery drains fast (battery_low a few simulated hours later). The devices
 * are picked from the seed's device list, native ones first, so the same
 * containers burn on every run.
 */
export function injectDemoFaults(simulator: SensorSimulator): InjectedFault[] {
  const devices = [...simulator.devices].sort((a, b) => (a.format === 'native' ? 0 : 1) - (b.format === 'native' ? 0 : 1));
  const picks: Array<{ index: number; fault: Fault }> = [
    { index: 0, fault: { kind: 'fire', temperatureC: 85 } },
    { index: Math.floor(devices.length / 2), fault: { kind: 'battery_drain', pctPerReading: 6 } },
  ];
  const injected: InjectedFault[] = [];
  const used = new Set<string>();
  for (const { index, fault } of picks) {
    const device = devices[index];
    if (!device || used.has(device.deviceId)) continue;
    used.add(device.deviceId);
    simulator.setFault(device.deviceId, fault);
    injected.push({ deviceId: device.deviceId, containerId: device.containerId, fault });
  }
  return injected;
}
