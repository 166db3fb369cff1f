import { beijingStartOfDay, RoundSchedule } from '@fivestar/contracts';
import { defaultScheduleForm, previewDueDates, toSchedule } from './schedule';

describe('the start-round schedule form', () => {
  test('the default form gives back a valid schedule in working days', () => {
    const form = defaultScheduleForm();
    const schedule = RoundSchedule.parse(toSchedule(form));
    expect(schedule.steps.SELF_CHECK).toEqual({ workingDays: 10 });
    expect(schedule.publicNotice).toEqual({ workingDays: 5 });
  });

  test('no 公示 when its days are 0, and the policies are carried', () => {
    const schedule = toSchedule({
      ...defaultScheduleForm(),
      publicNotice: 0,
      unsignedSelfCheck: 'wait',
      quorum: 3,
    });
    expect(schedule.publicNotice).toBeNull();
    expect(schedule.unsignedPolicy).toEqual({ SELF_CHECK: 'wait' });
    expect(schedule.observation.quorum).toBe(3);
  });

  test('the preview chains the steps over the National Day holiday', () => {
    const form = defaultScheduleForm();
    form.steps = {
      SELF_CHECK: 1,
      TOWNSHIP_REVIEW: 1,
      COUNTY_PRE_REVIEW: 1,
      ON_SITE_OBSERVATION: 1,
      AWARD: 1,
    };
    // Tuesday 2026-09-29: the 30th is a working day, 1–7 October are off, Saturday the 10th is worked.
    const preview = previewDueDates(form, beijingStartOfDay('2026-09-29') + 3_600_000);
    expect(preview.map((p) => ('due' in p ? p.due : p.error))).toEqual([
      '2026-09-30',
      '2026-10-08',
      '2026-10-09',
      '2026-10-10',
      '2026-10-12',
    ]);
  });

  test('a year the calendar does not hold is reported, not guessed', () => {
    const preview = previewDueDates(defaultScheduleForm(), beijingStartOfDay('2099-06-01'));
    expect(preview[0]).toHaveProperty('error');
    expect('error' in preview[0]! && preview[0].error).toContain('2099');
  });
});
