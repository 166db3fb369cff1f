/**
 * The chain above the county as a round's template (issue 12): 市复核 by the branch's city, 省抽查 of a
 * reproducible sample, and the award (and its 公示) by the task force that names the level. The real
 * workflow code on the Temporal dev server with in-memory activities (./env.ts).
 */
import { randomBytes } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import {
  ChainTemplate,
  catalogTasks,
  defaultCatalogFor,
  type Actor,
  type RoundSchedule,
} from '@fivestar/contracts';
import {
  branchStateQuery,
  branchWorkflowId,
  closeObservationUpdate,
  confirmAwardUpdate,
  recordObservationUpdate,
  reviewUpdate,
  submitSelfCheckUpdate,
  upholdObjectionUpdate,
  type BranchAssessmentInput,
} from '@fivestar/contracts/workflow';
import { spotCheckValue } from '../src/rules/chain';
import type { branchAssessment } from '../src/workflows';
import { startWorkflowEnv, type WorkflowEnv } from './env';
import {
  BRANCH,
  coordinator,
  county,
  eventually,
  observers,
  person,
  refusal,
  schedule,
  seconds,
  secretary,
  township,
} from './support';

const rural = defaultCatalogFor('rural')!;
const fullScores = Object.fromEntries(catalogTasks(rural).map((t) => [t.code, t.points]));
const evidence = catalogTasks(rural).flatMap((t) =>
  t.evidence.map((e) => ({ requirement: e.code, sha256: 'a'.repeat(64), filename: 'records.pdf' })),
);
const allStars = rural.stars.map((s) => s.code);
const fourStars = rural.stars.filter((s) => !s.capstone).map((s) => s.code);

const city = BRANCH.countyCode.slice(0, 4);
const cityReviewer = person('city-rev', 'city_reviewer', city);
const provinceReviewer = person('prov-rev', 'province_reviewer', city.slice(0, 2));
const cityCoordinator = person('city-coord', 'coordinator', city);
const provinceCoordinator = person('prov-coord', 'coordinator', city.slice(0, 2));

/** 4 stars and up re-checked by the city; a 30% sample of 5-star claims checked by the province. */
const template = (seed: string) =>
  ChainTemplate.parse({
    cityRecheck: { minStars: 4, due: seconds(600) },
    provinceSpotCheck: { minStars: 5, share: 0.3, seed, due: seconds(600) },
    naming: [
      { fromLevel: 4, scope: 'city' },
      { fromLevel: 5, scope: 'province' },
    ],
  });

let env: WorkflowEnv;
beforeAll(async () => {
  env = await startWorkflowEnv();
});
afterAll(async () => {
  await env?.stop();
});

type Branchflow = WorkflowHandle<typeof branchAssessment>;
const newRoundId = () => `chain-${randomBytes(4).toString('hex')}`;
/** The first seed whose draw for the round's branch is (or is not) below 30%: a sampled or unsampled branch. */
const seedFor = (roundId: string, sampled: boolean) => {
  for (let i = 0; ; i++) {
    if (spotCheckValue(`seed-${i}`, roundId, BRANCH.code) < 0.3 === sampled) return `seed-${i}`;
  }
};

function start(roundId: string, chain: ChainTemplate | undefined, roundSchedule: RoundSchedule = schedule()) {
  const input: BranchAssessmentInput = {
    roundId,
    branch: BRANCH,
    catalog: rural,
    schedule: roundSchedule,
    chain,
  };
  return env.client.workflow.start<typeof branchAssessment>('branchAssessment', {
    taskQueue: env.taskQueue,
    workflowId: branchWorkflowId(roundId, BRANCH.code),
    args: [input],
  });
}
const state = (h: Branchflow) => h.query(branchStateQuery);
const approve = (h: Branchflow, actor: Actor, stars: string[]) =>
  h.executeUpdate(reviewUpdate, {
    args: [
      {
        decision: 'approve',
        stars: stars.map((star) => ({ star, approved: true })),
        vetoes: [],
        findings: [],
        actor,
      },
    ],
  });
const returnTo = (h: Branchflow, actor: Actor, step: 'ON_SITE_OBSERVATION' | 'CITY_RECHECK') =>
  h.executeUpdate(reviewUpdate, {
    args: [
      {
        decision: 'return',
        returnTo: step,
        reasons: ['台账与现场不符'],
        stars: [],
        vetoes: [],
        findings: [],
        actor,
      },
    ],
  });
async function observe(h: Branchflow) {
  for (const actor of observers) {
    await h.executeUpdate(recordObservationUpdate, {
      args: [{ scores: fullScores, vetoes: [], findings: [], actor }],
    });
  }
  return h.executeUpdate(closeObservationUpdate, { args: [{ actor: observers[0]! }] });
}
/** Self-check claiming `stars`, both county-side reviews and the observation: where the chain goes next. */
async function throughCounty(h: Branchflow, stars: string[]) {
  await eventually(
    () => state(h),
    (s) => s.attempt === 1 && s.deadline !== null,
  );
  await h.executeUpdate(submitSelfCheckUpdate, {
    args: [{ scores: fullScores, targetStars: stars, evidence, actor: secretary }],
  });
  await approve(h, township, stars);
  await approve(h, county, stars);
  return observe(h);
}
/** The draws published so far (events follow the Update's answer). */
const draws = (h: Branchflow, count: number) =>
  eventually(
    () => env.events(h.workflowId, 'branch.spot_check_drawn').map((e) => e.data),
    (d) => d.length >= count,
  );
const award = (h: Branchflow, actor: Actor) => h.executeUpdate(confirmAwardUpdate, { args: [{ actor }] });
const forbidden = (message: string) => ({ type: 'Forbidden', details: [{ message }] });
/** The task group each step's work was opened for, in order. */
const stepGroups = (h: Branchflow, count: number) =>
  eventually(
    () =>
      env.events(h.workflowId, 'branch.step_opened').map((e) => {
        const d = e.data as { step: string; work: { group: { role: string; jurisdiction: string } } };
        return [d.step, `${d.work.group.role}@${d.work.group.jurisdiction}`];
      }),
    (groups) => groups.length >= count,
  );

test('a five-star claim re-checked by its city and drawn for the province is named by the province', async () => {
  const roundId = newRoundId();
  const chain = template(seedFor(roundId, true));
  const h = await start(roundId, chain);
  expect(await throughCounty(h, allStars)).toEqual({ step: 'CITY_RECHECK', attempt: 1 });

  // Another city's reviewer cannot re-check; the county's reviewer has had its level.
  expect(await refusal(approve(h, person('other-city', 'city_reviewer', '4111'), allStars))).toEqual(
    forbidden('不在您的管辖范围内'),
  );
  expect(await refusal(approve(h, county, allStars))).toEqual(forbidden('该操作需由市级审核人办理'));
  expect(await approve(h, cityReviewer, allStars)).toEqual({ step: 'PROVINCE_SPOT_CHECK', attempt: 1 });

  const drawn = await draws(h, 1);
  const draw = spotCheckValue(chain.provinceSpotCheck!.seed, roundId, BRANCH.code);
  expect(drawn).toEqual([
    {
      level: 5,
      minStars: 5,
      share: 0.3,
      seed: chain.provinceSpotCheck!.seed,
      draw,
      sampled: true,
      reason: `抽签值${draw.toFixed(6)}小于抽查比例30%，列入省抽查`,
    },
  ]);
  const { seed, ...shown } = drawn[0] as { seed: string };
  expect(seed).toBe(chain.provinceSpotCheck!.seed);
  expect((await state(h)).spotCheck).toEqual(shown);

  expect(await approve(h, provinceReviewer, allStars)).toEqual({ step: 'AWARD', attempt: 1 });
  // The province names five stars: neither the county's task force nor the city's may confirm them.
  expect(await refusal(award(h, coordinator))).toEqual(forbidden('该操作需由省级专班办理'));
  expect(await refusal(award(h, cityCoordinator))).toEqual(forbidden('该操作需由省级专班办理'));
  expect((await state(h)).signers).toEqual([{ role: 'coordinator', scope: 'province' }]);
  const awarded = await award(h, provinceCoordinator);
  expect(awarded.level).toBe(5);
  expect(awarded.award!.stars[0]!.reviews.map((r) => [r.label, r.status])).toEqual([
    ['乡镇审核', 'approved'],
    ['县级预审', 'approved'],
    ['市复核', 'approved'],
    ['省抽查', 'approved'],
  ]);
  expect(await stepGroups(h, 7)).toEqual([
    ['SELF_CHECK', `village_secretary@${BRANCH.code}`],
    ['TOWNSHIP_REVIEW', `township_reviewer@${BRANCH.townshipCode}`],
    ['COUNTY_PRE_REVIEW', `county_reviewer@${BRANCH.countyCode}`],
    ['ON_SITE_OBSERVATION', `observer@${BRANCH.countyCode}`],
    ['CITY_RECHECK', `city_reviewer@${city}`],
    ['PROVINCE_SPOT_CHECK', 'province_reviewer@41'],
    ['AWARD', 'coordinator@41'],
  ]);
  await h.result();
  await env.record(h.workflowId, 'chain-template');
});

test("a four-star claim returned once by its city, not in the province pool, is named by the city and its 公示 is the city's", async () => {
  const roundId = newRoundId();
  const h = await start(roundId, template(seedFor(roundId, true)), schedule({ publicNotice: seconds(600) }));
  expect(await throughCounty(h, fourStars)).toEqual({ step: 'CITY_RECHECK', attempt: 1 });

  // 市复核 returns like a review: the observation is done again, and the city re-checks once more.
  expect(await refusal(returnTo(h, cityReviewer, 'CITY_RECHECK'))).toMatchObject({ type: 'Invalid' });
  expect(await returnTo(h, cityReviewer, 'ON_SITE_OBSERVATION')).toEqual({
    step: 'ON_SITE_OBSERVATION',
    attempt: 2,
  });
  expect(await observe(h)).toEqual({ step: 'CITY_RECHECK', attempt: 2 });
  expect(await approve(h, cityReviewer, fourStars)).toEqual({ step: 'AWARD', attempt: 1 });

  // Four stars are below the spot-check's five: recorded as not drawn, and why.
  const drawn = await draws(h, 1);
  expect(drawn).toHaveLength(1);
  expect(drawn[0]).toMatchObject({
    level: 4,
    draw: null,
    sampled: false,
    reason: '推荐4星，低于省抽查的5星，不在抽查范围',
  });

  expect(await refusal(award(h, coordinator))).toEqual(forbidden('该操作需由市级专班办理'));
  expect((await award(h, cityCoordinator)).level).toBe(4);
  await eventually(
    () => state(h),
    (s) => s.step === 'PUBLIC_NOTICE',
  );
  // Objections during the city's 公示 are the city's task force's to decide.
  const objection = (actor: Actor) =>
    h.executeUpdate(upholdObjectionUpdate, {
      args: [{ returnTo: 'CITY_RECHECK', reasons: ['群众反映问题属实'], actor }],
    });
  expect(await refusal(objection(coordinator))).toEqual(forbidden('该操作需由市级专班办理'));
  expect(await objection(cityCoordinator)).toEqual({ step: 'CITY_RECHECK', attempt: 3 });
  const groups = await stepGroups(h, 9);
  expect(groups.map(([step, group]) => `${step} ${group}`)).toContain(`AWARD coordinator@${city}`);
});

test('a five-star claim the draw leaves out goes from the city to the award, named by the province', async () => {
  const roundId = newRoundId();
  const chain = template(seedFor(roundId, false));
  const h = await start(roundId, chain);
  await throughCounty(h, allStars);
  expect(await approve(h, cityReviewer, allStars)).toEqual({ step: 'AWARD', attempt: 1 });
  const draw = spotCheckValue(chain.provinceSpotCheck!.seed, roundId, BRANCH.code);
  expect((await state(h)).spotCheck).toMatchObject({
    draw,
    sampled: false,
    reason: `抽签值${draw.toFixed(6)}不小于抽查比例30%，未抽中`,
  });
  expect((await award(h, provinceCoordinator)).level).toBe(5);
});

test("a chain whose observation team is the city's: its observers score, the county's may not", async () => {
  const h = await start(newRoundId(), ChainTemplate.parse({ observers: ['city'] }));
  await eventually(
    () => state(h),
    (s) => s.attempt === 1 && s.deadline !== null,
  );
  await h.executeUpdate(submitSelfCheckUpdate, {
    args: [{ scores: fullScores, targetStars: allStars, evidence, actor: secretary }],
  });
  await approve(h, township, allStars);
  await approve(h, county, allStars);
  const sheet = (actor: Actor) =>
    h.executeUpdate(recordObservationUpdate, {
      args: [{ scores: fullScores, vetoes: [], findings: [], actor }],
    });
  expect(await refusal(sheet(observers[0]!))).toEqual(forbidden('该操作需由市级观摩评分员办理'));
  const team = [person('city-obs-1', 'observer', city), person('city-obs-2', 'observer', city)];
  for (const actor of team) await sheet(actor);
  expect(await h.executeUpdate(closeObservationUpdate, { args: [{ actor: team[0]! }] })).toEqual({
    step: 'AWARD',
    attempt: 1,
  });
  expect(await stepGroups(h, 4)).toContainEqual(['ON_SITE_OBSERVATION', `observer@${city}`]);
});

test("without a template the chain is today's: no re-check, no draw, the county names five stars", async () => {
  const h = await start(newRoundId(), undefined);
  expect(await throughCounty(h, allStars)).toEqual({ step: 'AWARD', attempt: 1 });
  expect(await refusal(award(h, cityCoordinator))).toEqual(forbidden('该操作需由县级专班办理'));
  expect((await award(h, coordinator)).level).toBe(5);
  expect(env.events(h.workflowId, 'branch.spot_check_drawn')).toEqual([]);
  expect((await state(h)).spotCheck).toBeUndefined();
});

test("市级督办: the ladder's rungs at the city and the province notify those groups", async () => {
  const h = await start(
    newRoundId(),
    undefined,
    schedule({
      steps: { ...schedule().steps, SELF_CHECK: seconds(1) },
      escalation: [
        { level: 'blue', after: seconds(0), notify: { role: 'township_reviewer', scope: 'township' } },
        { level: 'yellow', after: seconds(1), notify: { role: 'coordinator', scope: 'city' } },
        { level: 'red', after: seconds(2), notify: { role: 'coordinator', scope: 'province' } },
      ],
    }),
  );
  const escalated = await eventually(
    () =>
      env
        .events(h.workflowId, 'branch.step_escalated')
        .map((e) => e.data as { level: string; group: object }),
    (e) => e.length >= 3,
  );
  expect(escalated.map((e) => [e.level, e.group])).toEqual([
    ['blue', { role: 'township_reviewer', jurisdiction: BRANCH.townshipCode }],
    ['yellow', { role: 'coordinator', jurisdiction: city }],
    ['red', { role: 'coordinator', jurisdiction: '41' }],
  ]);
});
