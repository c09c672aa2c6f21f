import { parseVehicleMessage, vehiclePositionTopic } from './vehicle';

const position = (body: unknown) => parseVehicleMessage(vehiclePositionTopic('truck-1'), Buffer.from(JSON.stringify(body)));

describe('parseVehicleMessage', () => {
  it('reads a position timed in epoch milliseconds or ISO-8601', () => {
    expect(position({ time: 1_796_000_000_000, lat: 52.37, lng: 4.9 })).toMatchObject({ ok: true, position: { measuredAt: new Date(1_796_000_000_000) } });
    expect(position({ time: '2026-12-07T21:00:00.000Z', lat: 52.37, lng: 4.9, speed: 20, heading: 90 })).toMatchObject({ ok: true, position: { speedKmh: 20, heading: 90 } });
  });

  // A position is published as soon as it is read: a time no Date can hold must be refused here, not fail on its way out.
  it('refuses a time in epoch milliseconds beyond what a date can hold', () => {
    expect(position({ time: 9e15, lat: 52.37, lng: 4.9 })).toMatchObject({ ok: false, reason: 'wrong_type' });
    expect(position({ time: -9e15, lat: 52.37, lng: 4.9 })).toMatchObject({ ok: false, reason: 'wrong_type' });
  });
});
