/**
 * A round started on 2026-12-07 (the API's clock injected, whatever the machine's date) with the default
 * schedule in working days and the bundled calendar: every stage that reaches a year the calendar does
 * not hold is refused by name, or, under `weekdays-provisional`, the round starts and says which years it
 * counts on weekdays.
 */
import {
  beijingStartOfDay,
  CN_MAINLAND_CALENDAR,
  DEFAULT_SCHEDULE,
  scheduleReach,
} from '@fivestar/contracts';
import { ApiUser, startStack, type Stack } from './harness';

const DEC_7 = beijingStartOfDay('2026-12-07') + 9 * 3_600_000;
const COUNTY = '411099';

let stack: Stack;
let coordinator: ApiUser;

beforeAll(async () => {
  stack = await startStack({ apiClock: () => DEC_7 });
  coordinator = await ApiUser.login(stack.baseUrl, `coord-${COUNTY}`);
});

afterAll(async () => {
  await stack?.stop();
});

const start = (roundId: string, uncoveredYear: string) =>
  coordinator.post('/api/rounds', {
    roundId,
    countyCode: COUNTY,
    year: 2026,
    title: '2026年度创建（12月启动）',
    schedule: { ...DEFAULT_SCHEDULE, uncoveredYear },
    townshipCodes: [`${COUNTY}100`],
  });

test('started in December, the default schedule reaches next year: refused by step, or provisional', async () => {
  // What the bundled calendar lacks decides (today: 2027 and later); the test follows the data.
  const reach = scheduleReach(CN_MAINLAND_CALENDAR, DEC_7, DEFAULT_SCHEDULE);
  const uncovered = reach.filter((s) => s.uncoveredYears.length).map((s) => `body.${s.field}`);
  const years = [...new Set(reach.flatMap((s) => s.uncoveredYears))].sort();

  const refused = await start(`dec-refuse-${stack.runId}`, 'refuse');
  if (uncovered.length === 0) {
    expect(refused.status).toBe(201);
    return;
  }
  expect(refused.status).toBe(400);
  expect(refused.type).toContain('application/problem+json');
  expect(refused.body.errors.map((e: { field: string }) => e.field)).toEqual(uncovered);
  // 2026-12-07 + 10 working days of self-check: the township review is the first to reach 2027.
  expect(uncovered[0]).toBe('body.schedule.steps.TOWNSHIP_REVIEW');
  expect(refused.body.errors[0].message).toMatch(/2027年的工作日历/);

  const provisional = await start(`dec-prov-${stack.runId}`, 'weekdays-provisional');
  expect(provisional.status).toBe(201);
  expect(provisional.body.provisionalYears).toEqual(years);
});
