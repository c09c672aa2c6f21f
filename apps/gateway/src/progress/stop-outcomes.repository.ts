import { Inject, Injectable } from '@nestjs/common';
import { DATABASE, type BlockedBy, type DriverActionKind, type StopDoneHow } from '@vulgraad/contracts';
import type { Database } from '@vulgraad/database';

/** A stop's outcome as stored. */
export interface StoredOutcome {
  shiftDate: string;
  vehicleId: string;
  containerId: string;
  planId: string;
  status: 'done' | 'skipped';
  doneHow: StopDoneHow | null;
  reason: string | null;
  at: Date;
}

/** A driver's tap as stored (the photo's bytes are read on their own). */
export interface StoredDriverAction {
  actionId: string;
  userId: string;
  vehicleId: string;
  containerId: string;
  shiftDate: string;
  kind: DriverActionKind;
  blockedBy: BlockedBy | null;
  note: string | null;
  at: Date;
  hasPhoto: boolean;
}

/**
 * -- Params: $1 shift_date, $2 vehicle_id, $3 container_id, $4 plan_id, $5 status, $6 done_how, $7 reason, $8 at.
 * The first outcome stays; a done replaces a skip (the truck came back). Returns the stored row either way.
 */
const RECORD = `
  WITH written AS (
    INSERT INTO stop_outcomes (shift_date, vehicle_id, container_id, plan_id, status, done_how, reason, at)
    VALUES ($1::date, $2, $3, $4, $5, $6, $7, $8)
    ON CONFLICT (shift_date, vehicle_id, container_id) DO UPDATE SET
      plan_id = EXCLUDED.plan_id, status = EXCLUDED.status, done_how = EXCLUDED.done_how, reason = EXCLUDED.reason, at = EXCLUDED.at
    WHERE stop_outcomes.status = 'skipped' AND EXCLUDED.status = 'done'
    RETURNING to_char(shift_date, 'YYYY-MM-DD') AS shift_date, vehicle_id, container_id, plan_id, status, done_how, reason, at, true AS changed
  )
  SELECT * FROM written
  UNION ALL
  SELECT to_char(shift_date, 'YYYY-MM-DD'), vehicle_id, container_id, plan_id, status, done_how, reason, at, false FROM stop_outcomes
  WHERE shift_date = $1::date AND vehicle_id = $2 AND container_id = $3 AND NOT EXISTS (SELECT 1 FROM written)`;
/** -- Params: $1 shift_date. Every outcome of a shift. */
const OF_SHIFT = `SELECT to_char(shift_date, 'YYYY-MM-DD') AS shift_date, vehicle_id, container_id, plan_id, status, done_how, reason, at FROM stop_outcomes WHERE shift_date = $1::date`;

const ACTION_COLUMNS = `action_id, user_id, vehicle_id, container_id, to_char(shift_date, 'YYYY-MM-DD') AS shift_date, kind, blocked_by, note, at, photo IS NOT NULL AS has_photo`;
/**
 * -- Params: $1 action_id, $2 user_id, $3 vehicle_id, $4 container_id, $5 shift_date, $6 kind, $7 blocked_by, $8 note, $9 at,
 * $10 photo bytea, $11 photo_type. The stored action and whether this call created it (a retry finds the first).
 */
const INSERT_ACTION = `
  WITH written AS (
    INSERT INTO driver_actions (action_id, user_id, vehicle_id, container_id, shift_date, kind, blocked_by, note, at, photo, photo_type)
    VALUES ($1, $2, $3, $4, $5::date, $6, $7, $8, $9, $10, $11)
    ON CONFLICT (action_id) DO NOTHING
    RETURNING ${ACTION_COLUMNS}, true AS created
  )
  SELECT * FROM written
  UNION ALL
  SELECT ${ACTION_COLUMNS}, false FROM driver_actions WHERE action_id = $1 AND NOT EXISTS (SELECT 1 FROM written)`;
/** -- Params: $1 action_id */
const PHOTO = `SELECT photo, photo_type, vehicle_id FROM driver_actions WHERE action_id = $1 AND photo IS NOT NULL`;
/** -- Params: $1 shift_date, $2 vehicle_id. A truck's taps of a shift, oldest first. */
const ACTIONS_OF = `SELECT ${ACTION_COLUMNS} FROM driver_actions WHERE shift_date = $1::date AND vehicle_id = $2 ORDER BY at, action_id`;

interface OutcomeRow {
  shift_date: string;
  vehicle_id: string;
  container_id: string;
  plan_id: string;
  status: 'done' | 'skipped';
  done_how: StopDoneHow | null;
  reason: string | null;
  at: Date;
  changed?: boolean;
}

interface ActionRow {
  action_id: string;
  user_id: string;
  vehicle_id: string;
  container_id: string;
  shift_date: string;
  kind: DriverActionKind;
  blocked_by: BlockedBy | null;
  note: string | null;
  at: Date;
  has_photo: boolean;
  created?: boolean;
}

const toOutcome = (r: OutcomeRow): StoredOutcome => ({
  shiftDate: r.shift_date, vehicleId: r.vehicle_id, containerId: r.container_id, planId: r.plan_id, status: r.status, doneHow: r.done_how, reason: r.reason, at: new Date(r.at),
});

const toAction = (r: ActionRow): StoredDriverAction => ({
  actionId: r.action_id, userId: r.user_id, vehicleId: r.vehicle_id, containerId: r.container_id, shiftDate: r.shift_date, kind: r.kind, blockedBy: r.blocked_by, note: r.note, at: new Date(r.at), hasPhoto: r.has_photo,
});

/** What became of each stop, and the drivers' taps. */
@Injectable()
export class StopOutcomesRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Records an outcome; returns the stored one and whether this call changed it. */
  async record(outcome: StoredOutcome): Promise<{ stored: StoredOutcome; changed: boolean }> {
    const { rows } = await this.db.query<OutcomeRow>(RECORD, [
      outcome.shiftDate, outcome.vehicleId, outcome.containerId, outcome.planId, outcome.status, outcome.doneHow, outcome.reason, outcome.at,
    ]);
    const row = rows[0] as OutcomeRow;
    return { stored: toOutcome(row), changed: row.changed === true };
  }

  async ofShift(shiftDate: string): Promise<StoredOutcome[]> {
    return (await this.db.query<OutcomeRow>(OF_SHIFT, [shiftDate])).rows.map(toOutcome);
  }

  /** Stores a tap once by its id; a retry gets the first one back with created = false. */
  async insertAction(
    action: Omit<StoredDriverAction, 'hasPhoto'> & { photo: { bytes: Buffer; contentType: string } | null },
  ): Promise<{ action: StoredDriverAction; created: boolean }> {
    const { rows } = await this.db.query<ActionRow>(INSERT_ACTION, [
      action.actionId, action.userId, action.vehicleId, action.containerId, action.shiftDate, action.kind, action.blockedBy, action.note, action.at,
      action.photo?.bytes ?? null, action.photo?.contentType ?? null,
    ]);
    const row = rows[0] as ActionRow;
    return { action: toAction(row), created: row.created === true };
  }

  async photo(actionId: string): Promise<{ bytes: Buffer; contentType: string; vehicleId: string } | null> {
    const row = (await this.db.query<{ photo: Buffer; photo_type: string; vehicle_id: string }>(PHOTO, [actionId])).rows[0];
    return row ? { bytes: Buffer.from(row.photo), contentType: row.photo_type, vehicleId: row.vehicle_id } : null;
  }

  async actionsOf(shiftDate: string, vehicleId: string): Promise<StoredDriverAction[]> {
    return (await this.db.query<ActionRow>(ACTIONS_OF, [shiftDate, vehicleId])).rows.map(toAction);
  }
}
