import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@fivestar/platform';
import { computeLight, type LightInput } from './light';
import { yellowWindow } from './service';

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

describe('yellowWindow (what the service uses)', () => {
  it('counts working days by the calendar in force unless told otherwise', () => {
    const w = yellowWindow({}, log, {});
    expect(computeLight(open(endOf('2025-10-10')), now, w)).toBe('yellow');
    expect(computeLight(open(endOf('2025-10-11')), now, w)).toBe('green');
  });

  it('takes TASKS_YELLOW_WORKING_DAYS', () => {
    const w = yellowWindow({}, log, { TASKS_YELLOW_WORKING_DAYS: '1' });
    expect(computeLight(open(endOf('2025-09-30')), now, w)).toBe('yellow');
    expect(computeLight(open(endOf('2025-10-09')), now, w)).toBe('green');
  });

  it('uses wall-clock seconds when given yellowSeconds (tests) or TASKS_YELLOW_SECONDS', () => {
    for (const w of [
      yellowWindow({ yellowSeconds: 3 * 86_400 }, log, {}),
      yellowWindow({}, log, { TASKS_YELLOW_SECONDS: String(3 * 86_400) }),
    ]) {
      expect(computeLight(open(endOf('2025-10-10')), now, w)).toBe('green');
      expect(computeLight(open(new Date(now.getTime() + 3 * 86_400_000)), now, w)).toBe('yellow');
    }
  });

  it('refuses a bad setting at start-up', () => {
    expect(() => yellowWindow({}, log, { TASKS_YELLOW_WORKING_DAYS: 'x' })).toThrow(
      /TASKS_YELLOW_WORKING_DAYS/,
    );
  });

  it('loads next year from FIVESTAR_CALENDAR_DIR', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fivestar-cal-'));
    try {
      // A made-up 2027: January 4–8 off.
      const days = ['04', '05', '06', '07', '08'].map((d) => `2027-01-${d}`);
      writeFileSync(path.join(dir, '2027.json'), JSON.stringify({ holidays: days, workdays: [] }));
      const w = yellowWindow({}, log, { FIVESTAR_CALENDAR_DIR: dir });
      // Tuesday 2026-12-29: Wed 30 (1), Thu 31 (2), Fri 1 (3, a working day in this file), then the week off.
      const from = new Date('2026-12-29T10:00:00.000+08:00');
      expect(computeLight(open(endOf('2027-01-08')), from, w)).toBe('yellow');
      expect(computeLight(open(endOf('2027-01-11')), from, w)).toBe('green');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
