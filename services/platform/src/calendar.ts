import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CN_MAINLAND_CALENDAR, withYear, type WorkCalendar } from '@fivestar/contracts';

/**
 * The working-day calendar in force: the bundled one plus any year files in `dir` (`2027.json`, in the
 * WorkCalendarYear format). Dropping next year's file there is how it is loaded once the State Council
 * publishes it; no deploy needed. Files are re-read each call (they are tiny), so a running worker
 * picks a new year up at once.
 */
export function loadWorkCalendar(dir = process.env.FIVESTAR_CALENDAR_DIR): WorkCalendar {
  let calendar = CN_MAINLAND_CALENDAR;
  if (!dir || !existsSync(dir)) return calendar;
  for (const file of readdirSync(dir)
    .filter((f) => /^\d{4}\.json$/.test(f))
    .sort()) {
    const data = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Parameters<typeof withYear>[2];
    calendar = withYear(calendar, file.slice(0, 4), data);
  }
  return calendar;
}
