/**
 * Deadlines across the end of the year, on the real stack, with the calendar injected (a calendar of the
 * test's own holding only this year, loaded through the API) rather than the machine's date: a round whose
 * working-day schedule crosses into next year is refused naming the step, or started with that year
 * counted Monday–Friday and marked provisional; loading the year through the API re-plans every such
 * deadline once (tasks moved, no longer provisional); a sign-off answers at once all along.
 */
import {
  beijingDate,
  workingDaysBetween,
  withYear,
  WorkCalendar,
  type RoundSchedule,
} from '@fivestar/contracts';
import { demoCounty, type ApiDatabase } from '@fivestar/api';
import { createDb } from '@fivestar/platform';
import { branchWorkflowId } from '@fivestar/contracts/workflow';
import { insertRound } from './api-support';
import { ApiUser, eventually, startStack, type Stack } from './harness';
import { quietSchedule } from './round-schedules';
import { allStars, fullScores, rural } from './rural-sheets';
import {
  crossingSchedule as crossing,
  nextYear,
  nextYearData,
  thisYear,
  thisYearData,
  workingDaysLeft,
} from './year-end-calendar';

const COUNTY = '411099';
const BRANCH = '411099100201';

let stack: Stack;
let admin: ApiUser, coordinator: ApiUser, secretary: ApiUser;
let calendarId: string;

/** The self-check ends 2 working days into next year, on this test's calendar. */
const crossingSchedule = (policy: RoundSchedule['uncoveredYear']) => crossing(calendarId, policy);

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

  const unknown = await start(`ye-unknown-${stack.runId}`, {
    ...crossingSchedule('refuse'),
    calendar: 'no-such',
  });
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

  const preview = await admin.post(
    `/api/calendars/${calendarId}/years/${nextYear}?dryRun=true`,
    nextYearData,
  );
  expect(preview.status).toBe(200);
  expect(preview.body).toMatchObject({ dryRun: true, changed: true, replanWorkflowId: null });
  expect(preview.body.periods).toEqual([{ from: `${nextYear}-01-01`, to: `${nextYear}-01-14`, days: 14 }]);
  expect(
    (await admin.get(`/api/calendars/${calendarId}`)).body.years.map((y: { year: number }) => y.year),
  ).toEqual([thisYear]);

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
  const url = `/api/calendars/${calendarId}/years/${nextYear + 1}`;
  const badDate = await admin.post(url, { holidays: [`${nextYear + 1}-02-30`], workdays: [] });
  expect(badDate.status).toBe(400);
  expect(badDate.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.holidays.0']);
  // A make-up day of another year, and one that is no weekend day (find a Wednesday in March).
  const wednesday = [...Array(7).keys()]
    .map((d) => `${nextYear + 1}-03-0${d + 1}`)
    .find((d) => new Date(`${d}T00:00:00Z`).getUTCDay() === 3)!;
  const wrong = await admin.post(url, {
    holidays: [`${nextYear + 1}-01-01`],
    workdays: [`${nextYear}-01-03`, wednesday],
  });
  expect(wrong.status).toBe(400);
  expect(wrong.body.errors.map((e: { field: string }) => e.field)).toEqual(
    expect.arrayContaining(['body.workdays.0', 'body.workdays.1']),
  );
  const notAdmin = await coordinator.post(url, nextYearData);
  expect(notAdmin.status).toBe(403);
});

test('a sign-off answers at once although the next step waits for a year not loaded; the wait is shown and ends by itself', async () => {
  // A round started before the start was checked against the calendar (or one returned or extended into
  // a new year): its next step needs next year under `refuse`, so its planning waits for the year.
  const waitCalendar = `${calendarId}-w`;
  expect((await admin.post(`/api/calendars/${waitCalendar}/years/${thisYear}`, thisYearData)).status).toBe(
    200,
  );
  const roundId = `ye-wait-${stack.runId}`;
  const db = createDb<ApiDatabase>(stack.config.databaseUrl, 'api', 1);
  await insertRound(db, { roundId, countyCode: COUNTY, title: '跨年度等待日历的轮次', year: thisYear });
  await db.destroy();
  const schedule: RoundSchedule = {
    ...quietSchedule(3600),
    calendar: waitCalendar,
    uncoveredYear: 'refuse',
    steps: {
      ...quietSchedule(3600).steps,
      TOWNSHIP_REVIEW: { workingDays: workingDaysLeft(waitCalendar) + 2 },
    },
  };
  const branch = demoCounty().branches.find((b) => b.code === BRANCH)!;
  await stack.temporal.workflow.start('branchAssessment', {
    taskQueue: stack.config.taskQueue,
    workflowId: branchWorkflowId(roundId, BRANCH),
    args: [{ roundId, branch, catalog: rural, schedule }],
  });
  const url = `/api/rounds/${roundId}/branches/${BRANCH}`;
  await eventually(
    () => secretary.get(url),
    (b) => b.body?.state?.step === 'SELF_CHECK' && b.body.state.deadline !== null,
  );
  const pdf = Buffer.from('%PDF-1.4\n% 三会一课记录\n%%EOF\n');
  const { body: file } = await secretary.upload(
    `${url}/evidence?filename=records.pdf`,
    pdf,
    'application/pdf',
  );
  const evidence = rural.stars
    .flatMap((s) => s.tasks)
    .flatMap((t) =>
      t.evidence.map((e) => ({ requirement: e.code, sha256: file.sha256, filename: 'records.pdf' })),
    );

  const startedAt = Date.now();
  const signed = await secretary.post(`${url}/self-check`, {
    scores: fullScores,
    targetStars: allStars,
    evidence,
  });
  expect(signed.status).toBe(200);
  expect(signed.body).toMatchObject({ step: 'TOWNSHIP_REVIEW', attempt: 1 });
  expect(Date.now() - startedAt).toBeLessThan(5000);
  // The step moved; its deadline is not planned yet. A second submission is refused, not hung.
  const page = (await secretary.get(url)).body;
  expect(page.state).toMatchObject({ step: 'TOWNSHIP_REVIEW', deadline: null });
  const again = await secretary.post(`${url}/self-check`, {
    scores: fullScores,
    targetStars: allStars,
    evidence,
  });
  expect(again.status).toBe(409);

  // The planning keeps failing: from the worker's alert attempt on, the branch shows 系统处理异常.
  const faults = await eventually(
    () => admin.get(`/api/faults?roundId=${roundId}`),
    (f) => f.body.branches === 1,
    60_000,
  );
  expect(faults.body.byCause).toEqual([
    { cause: `calendar:${waitCalendar}:${nextYear}`, label: `等待加载${nextYear}年工作日历`, branches: 1 },
  ]);
  expect(faults.body.items[0]).toMatchObject({ branchId: BRANCH, activityType: 'planSupervision' });
  expect((await secretary.get(url)).body.fault).toMatchObject({
    calendar: { calendarId: waitCalendar, year: nextYear },
  });
  expect((await admin.get('/api/admin/stats')).body.faults.branches).toBeGreaterThanOrEqual(1);

  // The year is loaded: the next retry plans the step, the fault ends, the township's task opens.
  expect((await admin.post(`/api/calendars/${waitCalendar}/years/${nextYear}`, nextYearData)).status).toBe(
    200,
  );
  const opened = await eventually(
    () => secretary.get(url),
    (b) => b.body.state.deadline !== null,
    120_000,
  );
  expect(beijingDate(Date.parse(opened.body.state.deadline)) > `${nextYear}-01-14`).toBe(true);
  await eventually(
    () => admin.get(`/api/faults?roundId=${roundId}`),
    (f) => f.body.branches === 0,
    30_000,
  );
}, 240_000);
