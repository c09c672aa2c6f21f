const formatters = new Map<string, Intl.DateTimeFormat>();

function minutesOfDay(atMs: number, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  let h = 0;
  let m = 0;
  for (const part of f.formatToParts(atMs)) {
    if (part.type === 'hour') h = Number(part.value) % 24;
    if (part.type === 'minute') m = Number(part.value);
  }
  return h * 60 + m;
}

/**
 * The first instant after `afterMs` at which the local clock of `timeZone`
 * shows `dailyAtMin` minutes after midnight. The estimate from today's
 * offset is checked and moved by the size of an offset change when a
 * daylight-saving switch lies in between; a time that does not exist that
 * day (skipped by the switch) comes out an hour late.
 */
export function nextDailyOccurrence(afterMs: number, dailyAtMin: number, timeZone: string): number {
  const start = Math.floor(afterMs / 60_000) * 60_000 + 60_000;
  const estimate = start + ((((dailyAtMin - minutesOfDay(start, timeZone)) % 1440) + 1440) % 1440) * 60_000;
  const shifts = [-60, -30, 0, 30, 60].map((m) => estimate + m * 60_000);
  for (const t of shifts) if (t > afterMs && minutesOfDay(t, timeZone) === dailyAtMin) return t;
  return estimate;
}
