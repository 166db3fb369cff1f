import { CN_MAINLAND_CALENDAR, withYear, type WorkCalendar } from '@fivestar/contracts';
import { createLogger } from '@fivestar/platform';
import { computeLight, type LightInput } from './light';
import { yellowWindow, type CalendarView } from './service';

const log = createLogger('tasks-unit', 'silent');
const endOf = (date: string) => new Date(`${date}T23:59:59.999+08:00`);
const open = (deadline: Date): LightInput => ({
  status: 'open',
  deadline,
  remindedAt: null,
  overdueAt: null,
});
// Monday 2025-09-29, 10:00 Beijing: the 3rd working day after it is Friday 2025-10-10 (National Day).
const now = new Date('2025-09-29T10:00:00.000+08:00');
const bundled: CalendarView = { current: () => CN_MAINLAND_CALENDAR };

describe('yellowWindow (what the service uses)', () => {
  it('counts working days by the calendar in force unless told otherwise', () => {
    const w = yellowWindow({}, log, {})(bundled);
    expect(computeLight(open(endOf('2025-10-10')), now, w)).toBe('yellow');
    expect(computeLight(open(endOf('2025-10-11')), now, w)).toBe('green');
  });

  it('takes TASKS_YELLOW_WORKING_DAYS', () => {
    const w = yellowWindow({}, log, { TASKS_YELLOW_WORKING_DAYS: '1' })(bundled);
    expect(computeLight(open(endOf('2025-09-30')), now, w)).toBe('yellow');
    expect(computeLight(open(endOf('2025-10-09')), now, w)).toBe('green');
  });

  it('uses wall-clock seconds when given yellowSeconds (tests) or TASKS_YELLOW_SECONDS', () => {
    const never: CalendarView = {
      current: () => {
        throw new Error('no calendar needed');
      },
    };
    for (const w of [
      yellowWindow({ yellowSeconds: 3 * 86_400 }, log, {})(never),
      yellowWindow({}, log, { TASKS_YELLOW_SECONDS: String(3 * 86_400) })(never),
    ]) {
      expect(computeLight(open(endOf('2025-10-10')), now, w)).toBe('green');
      expect(computeLight(open(new Date(now.getTime() + 3 * 86_400_000)), now, w)).toBe('yellow');
    }
  });

  it('refuses a bad setting before it is given a calendar (at start-up)', () => {
    expect(() => yellowWindow({}, log, { TASKS_YELLOW_WORKING_DAYS: 'x' })).toThrow(
      /TASKS_YELLOW_WORKING_DAYS/,
    );
  });

  it('asks the calendar source per comparison, so a year loaded meanwhile counts at once', () => {
    // A made-up 2027: January 4–8 off.
    const days = ['04', '05', '06', '07', '08'].map((d) => `2027-01-${d}`);
    const with2027 = withYear(CN_MAINLAND_CALENDAR, 2027, { holidays: days, workdays: [] });
    let calendar: WorkCalendar = CN_MAINLAND_CALENDAR;
    const current = jest.fn(() => calendar);
    const w = yellowWindow({}, log, {})({ current });
    // Tuesday 2026-12-29: Wed 30 (1), Thu 31 (2), Fri 1 (3), then the week off.
    const from = new Date('2026-12-29T10:00:00.000+08:00');
    // Not loaded yet: more than three calendar days away counts as not due soon.
    expect(computeLight(open(endOf('2027-01-08')), from, w)).toBe('green');
    calendar = with2027;
    expect(computeLight(open(endOf('2027-01-08')), from, w)).toBe('yellow');
    expect(computeLight(open(endOf('2027-01-11')), from, w)).toBe('green');
    expect(current).toHaveBeenCalledTimes(3);
  });
});
