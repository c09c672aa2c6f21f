import { loadConfig } from '@vulgraad/config';
import type { PlannerEdit } from './types';
import { activeEdits, defaultDistrictSettings, densityOf, nextCollectionDay } from './settings';

const edit = (id: string, action: PlannerEdit['action'], createdAt: string, shiftDate: string | null = '2026-03-03'): PlannerEdit => ({
  id, district: 'centre', shiftDate, containerId: 'c1', action, vehicleId: null, reason: 'r', by: 'anna', createdAt,
});

describe(activeEdits.name, () => {
  it('keeps the latest edit per container and lets clear withdraw the earlier ones', () => {
    const sut = activeEdits([edit('1', 'lock', '2026-03-01T10:00:00Z'), edit('2', 'exclude', '2026-03-01T11:00:00Z')], 'centre', '2026-03-03');
    expect(sut.get('c1')?.action).toBe('exclude');
    const cleared = activeEdits([edit('1', 'lock', '2026-03-01T10:00:00Z'), edit('2', 'clear', '2026-03-01T11:00:00Z')], 'centre', '2026-03-03');
    expect(cleared.has('c1')).toBe(false);
  });

  it('applies standing edits to every shift and dated ones only to their shift and district', () => {
    const edits = [edit('1', 'exclude', '2026-03-01T10:00:00Z', null), edit('2', 'add', '2026-03-01T10:00:00Z', '2026-03-05')];
    expect(activeEdits(edits, 'centre', '2026-03-03').get('c1')?.action).toBe('exclude');
    expect(activeEdits(edits, 'centre', '2026-03-05').get('c1')?.action).toBe('add');
    expect(activeEdits(edits, 'west', '2026-03-03').size).toBe(0);
  });
});

describe(defaultDistrictSettings.name, () => {
  it('takes thresholds, days and shift from the planner configuration', () => {
    const config = loadConfig({ PLANNER_RISK_LEVEL: '0.2', PLANNER_COLLECTION_DAYS: 'mon,thu', PLANNER_SHIFT_START: '06:30' }).planner;
    const sut = defaultDistrictSettings(config, 'west', 'paper');
    expect(sut).toMatchObject({ district: 'west', fraction: 'paper', riskLevel: 0.2, collectionDays: [1, 4], shiftStartMin: 390 });
    expect(densityOf(config, 'paper')).toBe(0.06);
  });

  it('refuses a malformed time or weekday at start-up', () => {
    const attempt = (): unknown => loadConfig({ PLANNER_SHIFT_END: '25:00', PLANNER_COLLECTION_DAYS: 'monday,funday' });
    expect(attempt).toThrow(/PLANNER_SHIFT_END: expected a time/);
    expect(attempt).toThrow(/PLANNER_COLLECTION_DAYS: .*"funday"/);
  });
});

describe(nextCollectionDay.name, () => {
  it('finds the next collection day, skipping the weekend', () => {
    expect(nextCollectionDay({ collectionDays: [1, 2, 3, 4, 5] }, '2026-03-06')).toBe('2026-03-09');
    expect(nextCollectionDay({ collectionDays: [3] }, '2026-03-04')).toBe('2026-03-11');
  });
});
