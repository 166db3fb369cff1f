import fc from 'fast-check';
import {
  beijingIsoWeek,
  beijingMonth,
  formatBeijingTime,
  formatSpan,
  isoWeekOfDate,
  reportingPeriod,
} from './periods';

const at = (iso: string) => new Date(iso).getTime();

test('ISO weeks at year boundaries', () => {
  expect(isoWeekOfDate('2026-01-01')).toBe('2026-W01'); // a Thursday
  expect(isoWeekOfDate('2027-01-01')).toBe('2026-W53'); // a Friday: week 53 of 2026
  expect(isoWeekOfDate('2024-12-30')).toBe('2025-W01'); // a Monday: week 1 of 2025
  expect(isoWeekOfDate('2026-11-29')).toBe('2026-W48'); // a Sunday ends its week
  expect(isoWeekOfDate('2026-11-30')).toBe('2026-W49');
});

test('periods follow the date in China, not UTC', () => {
  // 2026-11-29 17:00 UTC is Monday 30 November 01:00 in Beijing.
  expect(beijingIsoWeek(at('2026-11-29T17:00:00Z'))).toBe('2026-W49');
  expect(beijingIsoWeek(at('2026-11-29T15:59:59Z'))).toBe('2026-W48');
  expect(beijingMonth(at('2026-11-30T16:00:00Z'))).toBe('2026-12');
  expect(beijingMonth(at('2026-11-30T15:59:59Z'))).toBe('2026-11');
});

test('a job reports on the period that just ended', () => {
  // The schedules run at 08:xx Beijing (00:xx UTC).
  expect(reportingPeriod('daily-digest', at('2026-11-27T00:00:00Z'))).toEqual({
    job: 'daily-digest',
    day: '2026-11-26',
  });
  expect(reportingPeriod('weekly-ledger-snapshots', at('2026-11-30T00:10:00Z'))).toEqual({
    job: 'weekly-ledger-snapshots',
    week: '2026-W48',
  });
  expect(reportingPeriod('monthly-ranking', at('2027-01-01T00:20:00Z'))).toEqual({
    job: 'monthly-ranking',
    period: '2026-12',
  });
});

test('consecutive Beijing days are in the same ISO week unless the second is a Monday', () => {
  fc.assert(
    fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2090, 0, 1) }), (ms) => {
      const next = ms + 86_400_000;
      const monday = new Date(ms + 86_400_000 + 8 * 3_600_000).getUTCDay() === 1;
      expect(beijingIsoWeek(next) === beijingIsoWeek(ms)).toBe(!monday);
    }),
  );
});

describe('formatBeijingTime', () => {
  it('shows UTC+8 wall time, crossing midnight', () => {
    expect(formatBeijingTime('2025-06-14T10:00:00.000Z')).toBe('2025-06-14 18:00');
    expect(formatBeijingTime('2025-12-31T16:30:00Z')).toBe('2026-01-01 00:30');
  });
});

describe('formatSpan', () => {
  it('names days, hours, minutes and seconds, leaving out the zeros', () => {
    expect(formatSpan(3600)).toBe('1小时');
    expect(formatSpan(5400)).toBe('1小时30分钟');
    expect(formatSpan(86_400 + 45)).toBe('1天45秒');
    expect(formatSpan(0)).toBe('0秒');
  });
});
