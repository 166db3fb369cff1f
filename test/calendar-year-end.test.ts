/**
 * Deadlines across the end of the year, on the real stack, with the calendar injected (a calendar of the
 * test's own holding only this year, loaded through the API) rather than the machine's date: a round whose
 * working-day schedule crosses into next year is refused naming the step, or started with that year
 * counted Monday–Friday and marked provisional; loading the year through the API re-plans every such
 * deadline once (tasks moved, no longer provisional); a sign-off answers at once all along.
 */
import {
  beijingDate,
  beijingEndOfDay,
  CN_MAINLAND_CALENDAR,
  workingDaysBetween,
  withYear,
  WorkCalendar,
  type RoundSchedule,
} from '@fivestar/contracts';
import { ApiUser, eventually, startStack, type Stack } from './harness';
import { quietSchedule } from './round-schedules';

const COUNTY = '411099';
const BRANCH = '411099100201';

let stack: Stack;
let admin: ApiUser, coordinator: ApiUser, secretary: ApiUser;
let calendarId: string;
const thisYear = Number(beijingDate(Date.now()).slice(0, 4));
const nextYear = thisYear + 1;
/** This year as the bundled calendar has it, or (a clone run in a later year) a plain one. */
const thisYearData = CN_MAINLAND_CALENDAR.years[String(thisYear)] ?? { holidays: [`${thisYear}-10-01`], workdays: [] };
/** Next year as the test "publishes" it: the whole first fortnight off, so every early deadline moves. */
const nextYearData = {
  holidays: Array.from({ length: 14 }, (_, i) => `${nextYear}-01-${String(i + 1).padStart(2, '0')}`),
  workdays: [],
  source: '测试用：次年节假日安排',
};

/** Working days from now to the year's last day, by this year's data: the self-check ends 2 into next year. */
function crossingSchedule(policy: RoundSchedule['uncoveredYear']): RoundSchedule {
  const cal = WorkCalendar.parse({ id: calendarId, years: { [thisYear]: thisYearData } });
  const left = workingDaysBetween(cal, Date.now(), beijingEndOfDay(`${thisYear}-12-31`));
  return {
    ...quietSchedule(3600),
    calendar: calendarId,
    uncoveredYear: policy,
    steps: { ...quietSchedule(3600).steps, SELF_CHECK: { workingDays: left + 2 } },
  };
}

beforeAll(async () => {
  stack = await startStack();
  calendarId = `test-${stack.runId}`;
  const login = (u: string) => ApiUser.login(stack.baseUrl, u);
  [admin, coordinator, secretary] = await Promise.all([
    login(`admin-${COUNTY}`),
    login(`coord-${COUNTY}`),
    login(`sec-${BRANCH}`),
  ]);
  const loaded = await admin.post(`/api/calendars/${calendarId}/years/${thisYear}`, thisYearData);
  expect(loaded.status).toBe(200);
});

afterAll(async () => {
  await stack?.stop();
});

const start = (roundId: string, schedule: RoundSchedule) =>
  coordinator.post('/api/rounds', {
    roundId,
    countyCode: COUNTY,
    year: thisYear,
    title: '跨年度的创建轮次',
    schedule,
    townshipCodes: ['411099100'],
  });

test('a schedule reaching an unloaded year is refused, naming the step, unless the round declares a policy', async () => {
  const refused = await start(`ye-refuse-${stack.runId}`, crossingSchedule('refuse'));
  expect(refused.status).toBe(400);
  const fields = refused.body.errors.map((e: { field: string }) => e.field);
  expect(fields).toContain('body.schedule.steps.SELF_CHECK');
  expect(refused.body.errors[0].message).toContain(`${nextYear}年`);

  const unknown = await start(`ye-unknown-${stack.runId}`, { ...crossingSchedule('refuse'), calendar: 'no-such' });
  expect(unknown.status).toBe(400);
  expect(unknown.body.errors.map((e: { field: string }) => e.field)).toContain('body.schedule.calendar');
});

test('weekdays-provisional: deadlines marked, then re-planned once the year is loaded', async () => {
  const roundId = `ye-prov-${stack.runId}`;
  const started = await start(roundId, crossingSchedule('weekdays-provisional'));
  expect(started.status).toBe(201);
  expect(started.body.provisionalYears).toEqual([nextYear]);

  const selfCheck = async () => {
    const tasks = await secretary.get(`/api/tasks?roundId=${roundId}`);
    return tasks.body.items.find((t: { step: string }) => t.step === 'SELF_CHECK');
  };
  const before = await eventually(selfCheck, (t) => t !== undefined);
  expect(before.provisional).toBe(true);
  // Two weekdays into next year, its first fortnight not known to be off yet.
  expect(beijingDate(Date.parse(before.deadline)) < `${nextYear}-01-05`).toBe(true);

  const preview = await admin.post(`/api/calendars/${calendarId}/years/${nextYear}?dryRun=true`, nextYearData);
  expect(preview.status).toBe(200);
  expect(preview.body).toMatchObject({ dryRun: true, changed: true, replanWorkflowId: null });
  expect(preview.body.periods).toEqual([{ from: `${nextYear}-01-01`, to: `${nextYear}-01-14`, days: 14 }]);
  expect((await admin.get(`/api/calendars/${calendarId}`)).body.years.map((y: { year: number }) => y.year)).toEqual([
    thisYear,
  ]);

  const load = await admin.post(`/api/calendars/${calendarId}/years/${nextYear}`, nextYearData);
  expect(load.status).toBe(200);
  expect(load.body).toMatchObject({ dryRun: false, changed: true, version: 1 });
  expect(load.body.replanWorkflowId).toContain(calendarId);

  const after = await eventually(selfCheck, (t) => t.provisional === false, 60_000);
  expect(beijingDate(Date.parse(after.deadline)) > `${nextYear}-01-14`).toBe(true);
  const expected = withYear(
    WorkCalendar.parse({ id: calendarId, years: { [thisYear]: thisYearData } }),
    nextYear,
    nextYearData,
  );
  expect(workingDaysBetween(expected, Date.parse(before.deadline), Date.parse(after.deadline))).toBe(2);

  // The same data again stores nothing and re-plans nothing.
  const again = await admin.post(`/api/calendars/${calendarId}/years/${nextYear}`, nextYearData);
  expect(again.body).toMatchObject({ changed: false, version: 1, replanWorkflowId: null });

  // One re-plan per branch: the branch page shows the moved deadline.
  const branch = await secretary.get(`/api/rounds/${roundId}/branches/${BRANCH}`);
  expect(branch.body.state.deadline).toBe(after.deadline);
  expect(branch.body.fault).toBeNull();
});

test('a year that does not validate is refused naming the field', async () => {
  const bad = await admin.post(`/api/calendars/${calendarId}/years/${nextYear + 1}`, {
    holidays: [`${nextYear + 1}-02-30`],
    workdays: [`${nextYear}-01-03`],
  });
  expect(bad.status).toBe(400);
  const fields = bad.body.errors.map((e: { field: string }) => e.field);
  expect(fields).toEqual(expect.arrayContaining(['body.holidays.0', 'body.workdays.0']));
  const notAdmin = await coordinator.post(`/api/calendars/${calendarId}/years/${nextYear + 1}`, nextYearData);
  expect(notAdmin.status).toBe(403);
});
