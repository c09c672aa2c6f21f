import { int, num, str, type VarSpec } from './env';

const WEEKDAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/**
 * A string checked at start-up by `check` (which throws with the reason) and
 * kept as written, so `describeConfig` shows the default as a person types it;
 * the planner parses it with the same function.
 */
const checked = (name: string, def: string, description: string, check: (raw: string) => unknown): VarSpec<string> => ({
  name,
  description,
  default: def,
  parse: (raw) => {
    check(raw);
    return raw;
  },
});

/** Minutes after midnight of `HH:MM` (24:00 allowed for the end of a day). */
export function parseTimeOfDay(raw: string): number {
  const match = /^(\d{1,2}):(\d{2})$/.exec(raw.trim());
  const minutes = match ? Number(match[1]) * 60 + Number(match[2]) : NaN;
  if (!match || Number(match[2]) > 59 || !(minutes >= 0 && minutes <= 1440)) throw new Error(`expected a time HH:MM, got "${raw}"`);
  return minutes;
}

/** ISO weekday numbers (Monday = 1) of `mon,wed,fri`. */
export function parseWeekdays(raw: string): number[] {
  const days = new Set<number>();
  for (const part of raw.split(',').map((p) => p.trim().toLowerCase()).filter(Boolean)) {
    const index = WEEKDAY_NAMES.indexOf(part.slice(0, 3));
    if (index < 0) throw new Error(`expected weekdays like mon,tue,..., got "${part}"`);
    days.add(index + 1);
  }
  if (days.size === 0) throw new Error('expected at least one weekday');
  return [...days].sort((a, b) => a - b);
}

/** `name:value` pairs of positive numbers, e.g. the densities per fraction. */
export function parseNumberPairs(raw: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [key, value] = part.split(':');
    const n = Number(value);
    if (!key || value === undefined || !Number.isFinite(n) || n <= 0) throw new Error(`expected name:positive-number pairs, got "${part}"`);
    out[key.trim()] = n;
  }
  return out;
}

/**
 * Defaults of the planner. Every district/fraction can override the choosing
 * thresholds, days and shift in the `planner_district_settings` table; these
 * are what a district without a row gets.
 */
export const plannerSpec = {
  riskLevel: num('PLANNER_RISK_LEVEL', 0.1, 'A container is a must when its overflow probability before the next chance to empty it reaches this (0..1)', 0.001, 1),
  worthFillPct: num('PLANNER_WORTH_FILL_PCT', 60, 'A container at least this full (predicted at the shift) may be emptied on the way: an optional stop with a prize', 0, 100),
  worthPrize: num('PLANNER_WORTH_PRIZE', 6, 'Prize, in cost units, of emptying a full optional container; scales with the square of the fill', 0, 1e6),
  worthMaxDetourM: num('PLANNER_WORTH_MAX_DETOUR_M', 1500, 'Optional stops further than this (straight line) from every must stop and depot are not offered to the solver', 0, 1e6),
  zoneDays: int('PLANNER_ZONE_DAYS', 1, 'Collection zones per district that take turns, one due each collection day; a container of the zone due is emptied when it would not last until the zone\'s next turn (1 = no zones)', 1, 14),
  collectionDays: checked('PLANNER_COLLECTION_DAYS', 'mon,tue,wed,thu,fri', 'Weekdays on which a district is collected, comma-separated (mon..sun)', parseWeekdays),
  shiftStart: checked('PLANNER_SHIFT_START', '07:00', 'Local start of a collection shift, HH:MM', parseTimeOfDay),
  shiftEnd: checked('PLANNER_SHIFT_END', '15:30', 'Local end of a collection shift, HH:MM', parseTimeOfDay),
  breakMin: int('PLANNER_BREAK_MIN', 30, 'Length of the driver\'s break in the middle of the shift, minutes (0 = none)', 0, 240),
  cutoff: checked('PLANNER_CUTOFF', '18:00', 'Local time of the day before a shift by which its plan is built, HH:MM', parseTimeOfDay),
  serviceTimeS: int('PLANNER_SERVICE_TIME_S', 150, 'Time to empty one container (crane up, empty, down), seconds', 0, 3600),
  compactionFactor: num('PLANNER_COMPACTION_FACTOR', 3, 'Default compaction of a truck: loose litres that fit in one litre of its body', 1, 20),
  densitiesKgPerL: checked('PLANNER_DENSITIES_KG_PER_L', 'residual:0.15,paper:0.06,glass:0.3,plastic:0.03,organic:0.4,textile:0.15', 'Loose bulk density per fraction, kg per litre, fraction:value pairs', parseNumberPairs),
  timeBudgetS: num('PLANNER_TIME_BUDGET_S', 20, 'Solver time budget per plan, seconds', 0.1, 3600),
  seed: int('PLANNER_SEED', 1, 'Seed of the solver: the same inputs and seed give the same plan', 0, 2 ** 31 - 1),
  replanDebounceMs: int('PLANNER_REPLAN_DEBOUNCE_MS', 10_000, 'Events of one district within this window lead to one re-plan, milliseconds', 0, 3_600_000),
  jobAttempts: int('PLANNER_JOB_ATTEMPTS', 3, 'Attempts per planning job before it stays failed', 1, 20),
  jobBackoffMs: int('PLANNER_JOB_BACKOFF_MS', 5_000, 'First retry delay of a planning job, doubled each attempt, milliseconds', 0, 3_600_000),
  historyDays: int('PLANNER_HISTORY_DAYS', 56, 'Days of readings the forecast learns from at each plan', 1, 730),
  httpPort: int('PLANNER_HTTP_PORT', 3002, 'Port of the planner\'s health and metrics endpoint (0 = any free port)', 0, 65535),
  queuePrefix: str('PLANNER_QUEUE_PREFIX', 'vulgraad', 'Prefix of the planner\'s BullMQ queues in Redis'),
};
