import { Day } from './notification-preferences';

describe('Day', () => {
  it('takes a calendar day that exists', () => {
    expect(Day.safeParse('2026-02-28').success).toBe(true);
    expect(Day.safeParse('2024-02-29').success).toBe(true);
  });

  it('refuses an impossible day instead of throwing (found by the fuzz test)', () => {
    for (const d of ['2026-02-30', '2026-13-45', '9999-99-99', '0000-00-00'])
      expect(Day.safeParse(d).success).toBe(false);
  });
});
