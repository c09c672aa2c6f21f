import type { Config } from '@vulgraad/config';
import type { Clock } from '@vulgraad/contracts';
import type { ContainersRepository, VehiclePositionsRepository } from '@vulgraad/database';
import type { EventBus } from '@vulgraad/events';
import type { AuditService } from '../audit/audit.service';
import { DriverActionsService } from './driver-actions.service';
import type { ProgressService } from './progress.service';
import type { StopOutcomesRepository } from './stop-outcomes.repository';

/** The timeline's track window, at a given moment, for a route of the shift date starting at `startAt`. */
async function trackWindow(nowIso: string, shiftDate: string, startAt: string | null): Promise<{ from: Date; to: Date }> {
  const track = jest.fn(async () => []);
  const progress = {
    whenReady: async () => undefined,
    today: () => shiftDate,
    routeOf: () => (startAt ? { planId: 'p', shiftDate, fraction: 'residual', route: { startAt } } : null),
    progressOf: () => [],
  } as unknown as ProgressService;
  const service = new DriverActionsService(
    progress,
    { actionsOf: async () => [] } as unknown as StopOutcomesRepository,
    {} as ContainersRepository,
    { track } as unknown as VehiclePositionsRepository,
    {} as AuditService,
    {} as EventBus,
    { now: () => new Date(nowIso) } as Clock,
    { core: { timezone: 'Europe/Amsterdam' } } as unknown as Config,
  );
  await service.timeline({ role: 'operator' } as never, 'truck-9');
  const [, from, to] = track.mock.calls[0] as unknown as [string, Date, Date];
  return { from, to };
}

describe('a truck\'s timeline', () => {
  it('holds what the truck reported just after midnight, hours before its route starts', async () => {
    // 00:30 in Amsterdam on 8 December; the route starts at 07:00 local.
    const { from, to } = await trackWindow('2026-12-07T23:30:00Z', '2026-12-08', '2026-12-08T06:00:00Z');
    expect(from.toISOString()).toBe('2026-12-07T23:00:00.000Z');
    expect(to.getTime()).toBeGreaterThan(Date.parse('2026-12-07T23:30:00Z'));
  });

  it('reaches back two hours before a route that starts just after midnight', async () => {
    const { from } = await trackWindow('2026-12-08T10:00:00Z', '2026-12-08', '2026-12-07T23:30:00Z');
    expect(from.toISOString()).toBe('2026-12-07T21:30:00.000Z');
  });

  it('without a route today, the last 24 hours', async () => {
    const { from } = await trackWindow('2026-12-08T10:00:00Z', '2026-12-08', null);
    expect(from.toISOString()).toBe('2026-12-07T10:00:00.000Z');
  });
});
