import { Inject, Injectable } from '@nestjs/common';
import type { Config } from '@vulgraad/config';
import {
  CLOCK, CONFIG, DomainError, EVENT_BUS, SKIPPING_DRIVER_ACTIONS, type Clock, type DriverActionResult, type DriverFeedback, type PlanRoute, type RouteProgress, type StopStatus,
} from '@vulgraad/contracts';
import { ContainersRepository, VehiclePositionsRepository } from '@vulgraad/database';
import { localMidnightMs } from '@vulgraad/time';
import type { EventBus } from '@vulgraad/events';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/roles';
import type { DriverActionDto } from './progress.dto';
import { ProgressService } from './progress.service';
import { StopOutcomesRepository, type StoredDriverAction } from './stop-outcomes.repository';

/** What a driver's phone shows: today's route of the truck, each container's address and fraction, and the progress. */
export interface DriverRoute {
  vehicleId: string;
  shiftDate: string;
  planId: string;
  fraction: string;
  route: PlanRoute;
  containers: Array<{ id: string; address: string | null; wasteType: string; volumeL: number; lat: number; lng: number }>;
  progress: RouteProgress | null;
}

/** A truck's day for its timeline. */
export interface TruckTimeline {
  vehicleId: string;
  shiftDate: string;
  /** Its positions, oldest first. */
  track: Array<{ at: string; lat: number; lng: number; speedKmh: number | null; heading: number | null }>;
  progress: RouteProgress | null;
  actions: Array<{ actionId: string; containerId: string; kind: string; blockedBy: string | null; note: string | null; at: string; hasPhoto: boolean }>;
}

/** The first bytes of each image type the phone may send. */
const MAGIC: Record<string, (b: Buffer) => boolean> = {
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8,
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/webp': (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
};

/** Words for a skip's reason, as the route list and the alert show it. */
const REASON_WORDS: Record<string, string> = {
  blocked: 'blocked', not_accessible: 'not accessible', damaged: 'damaged', contaminated: 'contaminated',
  parked_car: 'parked car', road_works: 'road works', other: 'other',
};

/**
 * The driver's taps: done, blocked (parked car, road works), not accessible,
 * damaged, contaminated, waste beside the container; with an optional photo
 * stored with the stop. Each tap is stored once by the id the phone made, so
 * a queue of taps sent again after a loss of network counts each once. A
 * new tap moves the stop (done or skipped), raises the alert of a skipped
 * must stop, and hands the planner the report it acts on (`driver.feedback`:
 * a collection, or the container excluded and the rest of the day re-planned).
 */
@Injectable()
export class DriverActionsService {
  /** Taps being applied in this process, by actionId. */
  private readonly running = new Map<string, Promise<DriverActionResult>>();

  constructor(
    private readonly progress: ProgressService,
    private readonly outcomes: StopOutcomesRepository,
    private readonly containers: ContainersRepository,
    private readonly positions: VehiclePositionsRepository,
    private readonly audit: AuditService,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** The truck a user acts for: a driver's own; planners and operators name one. */
  vehicleFor(user: AuthUser, vehicleId: string | undefined): string {
    if (user.role === 'driver') {
      if (!user.vehicleId) throw new DomainError('forbidden', 'this driver has no truck; an admin sets vehicleId on the user', 'vehicleId');
      if (vehicleId !== undefined && vehicleId !== user.vehicleId) throw new DomainError('forbidden', `a driver sees their own truck ${user.vehicleId} only`, 'vehicleId');
      return user.vehicleId;
    }
    if (!vehicleId) throw new DomainError('validation', 'vehicleId is required (only a driver has a truck of their own)', 'vehicleId');
    return vehicleId;
  }

  async route(user: AuthUser, vehicleIdAsked: string | undefined): Promise<DriverRoute> {
    const vehicleId = this.vehicleFor(user, vehicleIdAsked);
    await this.progress.whenReady();
    const today = this.progress.routeOf(vehicleId);
    if (!today) throw new DomainError('not_found', `no published route for ${vehicleId} today`, 'vehicleId');
    const ids = today.route.stops.flatMap((s) => (s.containerId ? [s.containerId] : []));
    const records = await this.containers.findByIds(ids);
    return {
      vehicleId, shiftDate: today.shiftDate, planId: today.planId, fraction: today.fraction, route: today.route,
      containers: records.map((c) => ({ id: c.id, address: c.address, wasteType: c.wasteType, volumeL: c.volumeL, lat: c.lat, lng: c.lng })),
      progress: this.progress.progressOf({ vehicleId })[0] ?? null,
    };
  }

  /**
   * Stores and applies a tap. A retry that arrives while the first copy is
   * still being applied waits for it, so it answers with the stop as the tap left it.
   */
  async act(user: AuthUser, dto: DriverActionDto): Promise<DriverActionResult> {
    const running = this.running.get(dto.actionId);
    if (running) await running.catch(() => undefined);
    const attempt = this.actOnce(user, dto);
    this.running.set(dto.actionId, attempt);
    try {
      return await attempt;
    } finally {
      if (this.running.get(dto.actionId) === attempt) this.running.delete(dto.actionId);
    }
  }

  private async actOnce(user: AuthUser, dto: DriverActionDto): Promise<DriverActionResult> {
    const vehicleId = this.vehicleFor(user, dto.vehicleId);
    if (dto.blockedBy !== undefined && dto.kind !== 'blocked') throw new DomainError('validation', 'blockedBy belongs to kind blocked', 'blockedBy');
    const photo = dto.photo ? this.checkPhoto(dto.photo.contentType, dto.photo.base64) : null;
    await this.progress.whenReady();
    const stop = this.progress.stopOf(vehicleId, dto.containerId);
    if (!stop) throw new DomainError('validation', `container ${dto.containerId} is not a stop of ${vehicleId}'s route today`, 'containerId');
    const now = this.clock.now();
    const at = dto.at ? new Date(dto.at) : now;
    if (at.getTime() > now.getTime() + 5 * 60_000) throw new DomainError('validation', 'at lies in the future', 'at');
    const { action, created } = await this.outcomes.insertAction({
      actionId: dto.actionId, userId: user.id, vehicleId, containerId: dto.containerId, shiftDate: this.progress.today(), kind: dto.kind,
      blockedBy: dto.kind === 'blocked' ? (dto.blockedBy ?? 'other') : null, note: dto.note ?? null, at, photo,
    });
    if (!created && (action.vehicleId !== vehicleId || action.containerId !== dto.containerId || action.kind !== dto.kind)) {
      throw new DomainError('conflict', `actionId ${dto.actionId} was used for another tap (${action.kind} at ${action.containerId}); make a new id per tap`, 'actionId');
    }
    if (created) await this.apply(user, action, stop.must);
    const status: StopStatus = this.progress.progressOf({ vehicleId })[0]?.stops.find((s) => s.containerId === dto.containerId)?.status ?? 'planned';
    return {
      actionId: action.actionId, vehicleId, containerId: action.containerId, shiftDate: action.shiftDate, kind: action.kind, blockedBy: action.blockedBy,
      note: action.note, at: action.at.toISOString(), status, hasPhoto: action.hasPhoto, created,
    };
  }

  /** A truck's day so far: where it drove, each stop's outcome and the driver's taps, for a timeline. */
  async timeline(user: AuthUser, vehicleId: string): Promise<TruckTimeline> {
    if (user.role === 'driver') this.vehicleFor(user, vehicleId);
    await this.progress.whenReady();
    const today = this.progress.routeOf(vehicleId);
    const now = this.clock.now();
    // The whole shift date from its local midnight, and two hours before a route that starts the day before.
    const midnight = localMidnightMs(this.progress.today(), this.config.core.timezone);
    const from = new Date(today ? Math.min(midnight, Date.parse(today.route.startAt) - 2 * 3_600_000) : now.getTime() - 24 * 3_600_000);
    const [track, actions] = await Promise.all([this.positions.track(vehicleId, from, new Date(now.getTime() + 60_000)), this.outcomes.actionsOf(this.progress.today(), vehicleId)]);
    return {
      vehicleId, shiftDate: this.progress.today(),
      track: track.map((p) => ({ at: p.measuredAt.toISOString(), lat: p.lat, lng: p.lng, speedKmh: p.speedKmh, heading: p.heading })),
      progress: this.progress.progressOf({ vehicleId })[0] ?? null,
      actions: actions.map((a) => ({ actionId: a.actionId, containerId: a.containerId, kind: a.kind, blockedBy: a.blockedBy, note: a.note, at: a.at.toISOString(), hasPhoto: a.hasPhoto })),
    };
  }

  async photo(user: AuthUser, actionId: string): Promise<{ bytes: Buffer; contentType: string }> {
    const found = await this.outcomes.photo(actionId);
    if (!found) throw new DomainError('not_found', `no photo with action ${actionId}`, 'actionId');
    if (user.role === 'driver' && found.vehicleId !== user.vehicleId) throw new DomainError('forbidden', 'a driver sees their own truck\'s photos only', 'actionId');
    return found;
  }

  private checkPhoto(contentType: string, base64: string): { bytes: Buffer; contentType: string } {
    const max = this.config.gateway.driverPhotoMaxBytes;
    if (base64.length > Math.ceil((max * 4) / 3) + 4) throw new DomainError('validation', `the photo is larger than ${max} bytes`, 'photo.base64');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) throw new DomainError('validation', 'photo.base64 must be base64 (no data: prefix)', 'photo.base64');
    const bytes = Buffer.from(base64, 'base64');
    if (bytes.byteLength === 0) throw new DomainError('validation', 'the photo is empty', 'photo.base64');
    if (bytes.byteLength > max) throw new DomainError('validation', `the photo is larger than ${max} bytes`, 'photo.base64');
    if (!MAGIC[contentType]?.(bytes)) throw new DomainError('validation', `the photo is not a ${contentType} image`, 'photo.contentType');
    return { bytes, contentType };
  }

  /** What a new tap does: moves the stop, raises the alert of a skipped must stop, tells the planner. */
  private async apply(user: AuthUser, action: StoredDriverAction, must: boolean): Promise<void> {
    const atMs = action.at.getTime();
    await this.audit.record(user, `driver.${action.kind}`, { type: 'container', id: action.containerId }, { actionId: action.actionId, vehicleId: action.vehicleId, blockedBy: action.blockedBy, note: action.note });
    let feedback: DriverFeedback['kind'] | null = null;
    if (action.kind === 'done') {
      await this.progress.record(action.vehicleId, action.containerId, { status: 'done', doneHow: 'driver', reason: null, atMs });
      feedback = 'emptied';
    } else if (SKIPPING_DRIVER_ACTIONS.includes(action.kind)) {
      const reason = [REASON_WORDS[action.kind], action.blockedBy ? REASON_WORDS[action.blockedBy] : null, action.note].filter(Boolean).join(': ');
      const stored = await this.progress.record(action.vehicleId, action.containerId, { status: 'skipped', doneHow: null, reason, atMs });
      if (stored?.status === 'skipped' && must) await this.progress.alertSkippedMust(action.vehicleId, action.containerId, reason);
      if (stored?.status === 'skipped' && this.config.gateway.replanOnSkip) feedback = action.kind === 'damaged' ? 'damaged' : 'blocked';
    }
    if (feedback) {
      await this.bus.publish('driver.feedback', {
        containerId: action.containerId, vehicleId: action.vehicleId, kind: feedback, note: action.note ?? undefined, at: action.at.toISOString(),
      });
    }
  }
}
