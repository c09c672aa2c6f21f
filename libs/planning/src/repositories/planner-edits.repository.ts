import { DomainError } from '@vulgraad/contracts';
import type { Queryable } from '@vulgraad/database';
import type { PlannerEdit, PlannerEditAction } from '../types';
import { isoOf } from './sql';

/** What a planner submits; id and time are assigned when stored. */
export interface PlannerEditInput {
  district: string;
  shiftDate: string | null;
  containerId: string;
  action: PlannerEditAction;
  vehicleId?: string | null;
  reason: string;
  by: string;
}

const ACTIONS: readonly PlannerEditAction[] = ['lock', 'exclude', 'add', 'clear'];
const COLUMNS = `id, district, shift_date::text AS shift_date, container_id, action, vehicle_id, reason, made_by, created_at`;
/** -- Params: $1 district, $2 shift_date, $3 container_id, $4 action, $5 vehicle_id, $6 reason, $7 made_by */
const INSERT = `
  INSERT INTO planner_edits (district, shift_date, container_id, action, vehicle_id, reason, made_by)
  VALUES ($1, $2::date, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`;
/** -- Params: $1 district, $2 shift_date. Edits for that shift and the standing ones. */
const SELECT_FOR_SHIFT = `
  SELECT ${COLUMNS} FROM planner_edits
  WHERE district = $1 AND (shift_date IS NULL OR shift_date = $2::date) ORDER BY created_at, id`;
/** -- Params: $1 container_id */
const SELECT_OF_CONTAINER = `SELECT ${COLUMNS} FROM planner_edits WHERE container_id = $1 ORDER BY created_at, id`;
/** -- Params: $1 district (null = all), $2 limit */
const SELECT_RECENT = `
  SELECT ${COLUMNS} FROM planner_edits WHERE ($1::text IS NULL OR district = $1) ORDER BY created_at DESC, id DESC LIMIT $2`;

interface Row {
  id: string;
  district: string;
  shift_date: string | null;
  container_id: string;
  action: PlannerEditAction;
  vehicle_id: string | null;
  reason: string;
  made_by: string;
  created_at: Date;
}

const toEdit = (r: Row): PlannerEdit => ({
  id: r.id,
  district: r.district,
  shiftDate: r.shift_date,
  containerId: r.container_id,
  action: r.action,
  vehicleId: r.vehicle_id,
  reason: r.reason,
  by: r.made_by,
  createdAt: isoOf(r.created_at),
});

/**
 * The append-only log of planner decisions (lock, exclude, add, clear), each
 * with who and why. The table refuses updates and deletes; a decision is
 * withdrawn by appending a `clear`. `activeEdits` turns the log into what a
 * plan must respect.
 */
export class PlannerEditsRepository {
  constructor(private readonly db: Queryable) {}

  /** Validates and appends one edit; throws a `validation` DomainError naming the field at fault. */
  async append(input: PlannerEditInput): Promise<PlannerEdit> {
    if (!ACTIONS.includes(input.action)) throw new DomainError('validation', `action must be one of ${ACTIONS.join(', ')}`, 'action');
    if (!input.reason?.trim()) throw new DomainError('validation', 'a planner edit needs a reason', 'reason');
    if (!input.by?.trim()) throw new DomainError('validation', 'a planner edit needs the person who made it', 'by');
    if (!input.containerId?.trim()) throw new DomainError('validation', 'a planner edit needs a container', 'containerId');
    if (input.shiftDate !== null && !/^\d{4}-\d{2}-\d{2}$/.test(input.shiftDate)) {
      throw new DomainError('validation', `shiftDate must be YYYY-MM-DD or null, got "${input.shiftDate}"`, 'shiftDate');
    }
    if (input.vehicleId && input.action !== 'lock') throw new DomainError('validation', 'only a lock names a vehicle', 'vehicleId');
    const { rows } = await this.db.query<Row>(INSERT, [
      input.district, input.shiftDate, input.containerId, input.action, input.vehicleId ?? null, input.reason.trim(), input.by.trim(),
    ]);
    return toEdit(rows[0]);
  }

  /** Edits that bear on a shift of a district: those for its date and the standing ones, oldest first. */
  async forShift(district: string, shiftDate: string): Promise<PlannerEdit[]> {
    return (await this.db.query<Row>(SELECT_FOR_SHIFT, [district, shiftDate])).rows.map(toEdit);
  }

  /** The whole history of decisions about one container, oldest first. */
  async ofContainer(containerId: string): Promise<PlannerEdit[]> {
    return (await this.db.query<Row>(SELECT_OF_CONTAINER, [containerId])).rows.map(toEdit);
  }

  /** The latest edits, newest first (the audit view). */
  async recent(district: string | null = null, limit = 100): Promise<PlannerEdit[]> {
    return (await this.db.query<Row>(SELECT_RECENT, [district, limit])).rows.map(toEdit);
  }
}
