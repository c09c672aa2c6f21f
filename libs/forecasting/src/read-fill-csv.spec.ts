import { parseFillReadingsCsv, parseTime } from './read-fill-csv';

describe(parseFillReadingsCsv.name, () => {
  it('reads the Prague shape: local times in the zone, across daylight saving, sorted per container', () => {
    const csv = [
      'container_id,fraction,address,measured_at,fill_pct',
      '7,paper,Street 1,2024-07-01T12:00:00,40',
      '7,paper,Street 1,2024-01-15T12:00:00,10',
      '8,plastic,"Quoted, with comma",2024-01-15T06:30:00,0',
      '',
    ].join('\n');
    const sut = parseFillReadingsCsv(csv, { timeZone: 'Europe/Prague' });
    expect(sut.rejected).toEqual([]);
    expect(sut.readings).toBe(3);
    const seven = sut.containers.find((c) => c.containerId === '7');
    expect(seven?.fraction).toBe('paper');
    // Winter is UTC+1, summer UTC+2.
    expect(seven?.readings).toEqual([
      { atMs: Date.UTC(2024, 0, 15, 11), fillPct: 10 },
      { atMs: Date.UTC(2024, 6, 1, 10), fillPct: 40 },
    ]);
    expect(sut.containers.find((c) => c.containerId === '8')?.readings).toEqual([{ atMs: Date.UTC(2024, 0, 15, 5, 30), fillPct: 0 }]);
  });

  it('takes other header names and columns in any order, without a fraction', () => {
    const sut = parseFillReadingsCsv('fill,time,container\n55,2024-03-01T08:00:00Z,a\n', { timeZone: 'Europe/Prague' });
    expect(sut.containers).toEqual([{ containerId: 'a', fraction: null, readings: [{ atMs: Date.UTC(2024, 2, 1, 8), fillPct: 55 }] }]);
  });

  it('rejects rows it cannot read with the line and the reason, and keeps the rest', () => {
    const csv = ['container_id,measured_at,fill_pct', ',2024-03-01T08:00:00,5', 'a,yesterday,5', 'a,2024-02-30T08:00:00,5', 'a,2024-03-01T08:00:00,', 'a,2024-03-01T08:00:00,180', 'a,2024-03-01T09:00:00,20'].join('\n');
    const sut = parseFillReadingsCsv(csv, { timeZone: 'UTC' });
    expect(sut.rejected.map((r) => r.line)).toEqual([2, 3, 4, 5, 6]);
    expect(sut.rejected[0]?.reason).toMatch(/container/);
    expect(sut.rejected[1]?.reason).toMatch(/time "yesterday"/);
    expect(sut.rejected[3]?.reason).toMatch(/fill ""/);
    expect(sut.rejected[4]?.reason).toMatch(/fill "180"/);
    expect(sut.readings).toBe(1);
  });

  it('names the missing columns', () => {
    expect(() => parseFillReadingsCsv('container_id,when\n1,2\n', { timeZone: 'UTC' })).toThrow(/time .*fill/);
  });
});

describe(parseTime.name, () => {
  it('honours an explicit offset and fractions of a second', () => {
    expect(parseTime('2024-03-01T08:00:00.250+02:00', 'UTC')).toBe(Date.UTC(2024, 2, 1, 6, 0, 0, 250));
    expect(parseTime('2024-03-01 08:00', 'UTC')).toBe(Date.UTC(2024, 2, 1, 8));
    expect(parseTime('2024-13-01T08:00:00', 'UTC')).toBeNull();
  });
});
