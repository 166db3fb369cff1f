import {
  beijingStartOfDay,
  CN_MAINLAND_CALENDAR,
  DEFAULT_SCHEDULE,
  RoundSchedule,
  StartRoundRequest,
  withYear,
  type CalendarView,
} from '@fivestar/contracts';
import {
  calendarOfView,
  defaultScheduleForm,
  previewDueDates,
  rungIndex,
  toSchedule,
  uncoveredRefusals,
} from './schedule';
import {
  branchesIn,
  catalogRows,
  catalogTitle,
  errorUnder,
  toCatalogPicks,
  toggleTownship,
  toTownshipCodes,
  type CatalogListItem,
} from './schedule-scope';

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
    expect(preview.slice(0, 5).map((p) => p.due)).toEqual([
      '2026-09-30',
      '2026-10-08',
      '2026-10-09',
      '2026-10-10',
      '2026-10-12',
    ]);
    expect(preview.map((p) => p.field)).toEqual([
      'schedule.steps.SELF_CHECK',
      'schedule.steps.TOWNSHIP_REVIEW',
      'schedule.steps.COUNTY_PRE_REVIEW',
      'schedule.steps.ON_SITE_OBSERVATION',
      'schedule.steps.AWARD',
      'schedule.publicNotice',
      'schedule.rectification',
    ]);
  });

  test('a year the calendar does not hold is counted Monday–Friday and named, refused under `refuse`', () => {
    const form = defaultScheduleForm();
    expect(form.uncoveredYear).toBe('weekdays-provisional');
    expect(toSchedule(form).uncoveredYear).toBe('weekdays-provisional');
    const preview = previewDueDates(form, beijingStartOfDay('2099-06-01'));
    expect(preview[0]).toMatchObject({ due: '2099-06-15', uncoveredYears: [2099] });
    expect(uncoveredRefusals(form, preview, (y) => y)).toEqual({});
    const refused = uncoveredRefusals({ ...form, uncoveredYear: 'refuse' }, preview, (y) => `需用到${y}年`);
    expect(refused['schedule.steps.SELF_CHECK']).toBe('需用到2099年');
    expect(Object.keys(refused)).toHaveLength(7);
  });

  test('the preview counts with the calendar in force: a loaded year is no longer provisional', () => {
    const year = {
      year: 2099,
      holidays: ['2099-06-12'],
      workdays: [],
      source: null,
      version: 1,
      loadedBy: 'admin',
      loadedAt: '2098-12-01T00:00:00.000Z',
    };
    const view: CalendarView = { id: 'cn-mainland', revision: 1, years: [year] };
    const calendar = calendarOfView(view)!;
    expect(calendar).toEqual(
      withYear({ id: 'cn-mainland', years: {} }, 2099, { holidays: ['2099-06-12'], workdays: [] }),
    );
    const form = { ...defaultScheduleForm(), steps: { ...defaultScheduleForm().steps, SELF_CHECK: 10 } };
    const [first] = previewDueDates(form, beijingStartOfDay('2099-06-01'), calendar);
    // Ten working days after Monday 1 June: the 15th by weekdays, the 16th with Friday the 12th off.
    expect(first).toMatchObject({ due: '2099-06-16', uncoveredYears: [] });
    expect(calendarOfView({ ...view, years: [{ ...year, holidays: ['2098-01-01'] }] })).toBeNull();
    expect(CN_MAINLAND_CALENDAR.years['2026']).toBeDefined();
  });
});

describe('the escalation ladder and policies', () => {
  test('the default form gives back the default ladder and policies', () => {
    const schedule = toSchedule(defaultScheduleForm());
    expect(schedule.escalation).toEqual(DEFAULT_SCHEDULE.escalation);
    expect(schedule.revocation).toEqual({ proposeAtLastRung: true });
    expect(schedule.award).toEqual({ capstoneRequiresAllOthers: true });
  });

  test('an edited rung, a rung left off and the policies are carried', () => {
    const form = defaultScheduleForm();
    form.escalation[0] = { ...form.escalation[0]!, enabled: false };
    form.escalation[2] = { ...form.escalation[2]!, days: 8, role: 'coordinator', scope: 'county' };
    form.proposeRevocation = false;
    form.capstoneRequiresAllOthers = false;
    const schedule = RoundSchedule.parse(toSchedule(form));
    expect(schedule.escalation).toEqual([
      { level: 'yellow', after: { workingDays: 3 }, notify: { role: 'coordinator', scope: 'county' } },
      { level: 'red', after: { workingDays: 8 }, notify: { role: 'coordinator', scope: 'county' } },
    ]);
    expect(schedule.revocation.proposeAtLastRung).toBe(false);
    expect(schedule.award.capstoneRequiresAllOthers).toBe(false);
    // The red row is the request's rung 1 now; the blue row is in no request at all.
    expect([0, 1, 2].map((row) => rungIndex(form.escalation, row))).toEqual([null, 0, 1]);
  });

  test('rungs out of order or none at all are refused in Chinese', () => {
    const form = defaultScheduleForm();
    form.escalation[1] = { ...form.escalation[1]!, days: 9 };
    const disordered = RoundSchedule.safeParse(toSchedule(form));
    expect(disordered.error?.issues).toEqual([
      expect.objectContaining({
        path: ['escalation'],
        message: '督办层级须使用同一计时单位，且时限逐级递增',
      }),
    ]);
    form.escalation = form.escalation.map((r) => ({ ...r, enabled: false }));
    const none = RoundSchedule.safeParse(toSchedule(form));
    expect(none.error?.issues[0]).toMatchObject({ path: ['escalation'], message: '至少保留一级督办' });
  });
});

describe('the catalog picker', () => {
  const items: CatalogListItem[] = [
    {
      id: 'rural-default',
      branchType: 'rural',
      versions: [{ version: 1, title: '农村示例' }],
      inForce: false,
    },
    {
      id: 'rural-411099',
      branchType: 'rural',
      versions: [
        { version: 2, title: '示范县农村（第2版）' },
        { version: 1, title: '示范县农村（第1版）' },
      ],
      inForce: true,
    },
    {
      id: 'urban-default',
      branchType: 'urban',
      versions: [{ version: 1, title: '社区示例' }],
      inForce: true,
    },
  ];

  test('one row per branch type with every version, the latest of the catalog in force marked', () => {
    const rows = catalogRows(items);
    expect(rows.map((r) => r.branchType)).toEqual(['rural', 'urban']);
    expect(rows[0]!.choices.map((c) => [`${c.id}@${c.version}`, c.inForce])).toEqual([
      ['rural-default@1', false],
      ['rural-411099@2', true],
      ['rural-411099@1', false],
    ]);
  });

  test('the picks default to the ones in force (none before the list loads), and a pick replaces its type only', () => {
    const rows = catalogRows(items);
    expect(toCatalogPicks(rows, {})).toEqual([
      { id: 'rural-411099', version: 2 },
      { id: 'urban-default', version: 1 },
    ]);
    expect(toCatalogPicks([], {})).toBeUndefined();
    expect(toCatalogPicks(rows, { rural: 'rural-411099@1' })).toEqual([
      { id: 'rural-411099', version: 1 },
      { id: 'urban-default', version: 1 },
    ]);
  });

  test('a server message at catalogs.<i>.version lands on row i', () => {
    const errors = { 'catalogs.1.version': '目录 urban-default 没有第 9 版', title: '轮次名称不能为空' };
    expect(errorUnder(errors, 'catalogs.1')).toBe('目录 urban-default 没有第 9 版');
    expect(errorUnder(errors, 'catalogs.0')).toBeUndefined();
    expect(errorUnder(errors, 'catalogs.10')).toBeUndefined();
  });
});

describe('the township picker', () => {
  const all = [
    { code: '411099001', name: '新华街道', branches: 10 },
    { code: '411099100', name: '城关镇', branches: 10 },
    { code: '411099200', name: '黄河乡', branches: 12 },
  ];
  const request = (townshipCodes: string[] | undefined) =>
    StartRoundRequest.safeParse({
      roundId: 'r-2026',
      countyCode: '411099',
      year: 2026,
      title: '2026年度',
      townshipCodes,
    });

  test('all ticked (the default) sends no list: the whole county', () => {
    expect(toTownshipCodes(all, null)).toBeUndefined();
    expect(toTownshipCodes(all, new Set(all.map((tw) => tw.code)))).toBeUndefined();
    expect(branchesIn(all, null)).toBe(32);
  });

  test('unticking from all sends the others, in directory order', () => {
    const ticked = toggleTownship(all, null, '411099100');
    expect(toTownshipCodes(all, ticked)).toEqual(['411099001', '411099200']);
    expect(branchesIn(all, ticked)).toBe(22);
    expect(toTownshipCodes(all, toggleTownship(all, ticked, '411099100'))).toBeUndefined();
  });

  test('none ticked is refused by the contract, next to the field', () => {
    const parsed = request(toTownshipCodes(all, new Set()));
    expect(parsed.error?.issues).toEqual([
      expect.objectContaining({ path: ['townshipCodes'], message: '至少选择一个乡镇' }),
    ]);
  });

  test('a township twice is refused at its second place', () => {
    const parsed = request(['411099100', '411099200', '411099100']);
    expect(parsed.error?.issues).toEqual([
      expect.objectContaining({ path: ['townshipCodes', 2], message: '乡镇 411099100 重复' }),
    ]);
  });
});

test('a pinned catalog by its title, or by id and version when the list does not have it', () => {
  const items: CatalogListItem[] = [
    {
      id: 'rural-default',
      branchType: 'rural',
      inForce: true,
      versions: [
        { version: 2, title: '农村（第二版）' },
        { version: 1, title: '农村（第一版）' },
      ],
    },
  ];
  expect(catalogTitle(items, { id: 'rural-default', version: 1 })).toBe('农村（第一版）');
  expect(catalogTitle(items, { id: 'rural-default', version: 3 })).toBe('rural-default@3');
  expect(catalogTitle(items, { id: 'urban-default', version: 1 })).toBe('urban-default@1');
});
