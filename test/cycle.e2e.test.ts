/**
 * End to end over HTTP on real Temporal, NATS and PostgreSQL: a coordinator starts a round; one branch
 * goes through every step, including a return for rework; a finding's rectification goes overdue, climbs
 * the escalation ladder, is rejected once and closed; tasks, inboxes and rankings follow at each point.
 */
import {
  addWorkingDays,
  catalogTasks,
  CN_MAINLAND_CALENDAR,
  withWeekdayFallback,
  type RoundSchedule,
} from '@fivestar/contracts';
import { ApiUser, eventually, recordHistory, startStack, type Stack } from './harness';
import { rural, allStars, fullScores, approveAll } from './rural-sheets';
import { seconds } from './round-schedules';

const COUNTY = '411099';
const TOWNSHIP = '411099100';
const BRANCH = '411099100201';

const schedule: RoundSchedule = {
  calendar: 'cn-mainland',
  // Run in the last days of a year, the working-day step reaches the next: counted on weekdays, not refused.
  uncoveredYear: 'weekdays-provisional',
  steps: {
    SELF_CHECK: seconds(600),
    TOWNSHIP_REVIEW: seconds(600),
    // Working days, counted with the holiday calendar (see the check after the township review).
    COUNTY_PRE_REVIEW: { workingDays: 3 },
    ON_SITE_OBSERVATION: seconds(600),
    AWARD: seconds(600),
  },
  rectification: seconds(3),
  reminderBefore: seconds(1),
  urgeIntervalSeconds: 3600,
  unsignedPolicy: { SELF_CHECK: 'wait' },
  escalation: [
    { level: 'blue', after: seconds(0), notify: { role: 'township_reviewer', scope: 'township' } },
    { level: 'yellow', after: seconds(2), notify: { role: 'coordinator', scope: 'county' } },
    { level: 'red', after: seconds(4), notify: { role: 'county_reviewer', scope: 'county' } },
  ],
  observation: { rule: 'mean', quorum: 2, outlierPoints: 3 },
  publicNotice: seconds(6),
  revocation: { proposeAtLastRung: true },
  award: { capstoneRequiresAllOthers: true },
};

const industry = rural.stars.find((s) => s.code === 'industry')!;
/** Every industry task at a fifth of its points: far below the star's threshold. */
const weakIndustry = Object.fromEntries(industry.tasks.map((t) => [t.code, Math.floor(t.points / 5)]));
const safetyVeto = rural.stars.find((s) => s.code === 'safety')!.tasks.flatMap((t) => t.vetoes)[0]!;
/** One uploaded PDF answers every evidence requirement of the catalog (the test is not about files). */
let evidence: { requirement: string; sha256: string; filename: string }[] = [];
const selfCheck = () => ({ scores: fullScores, targetStars: allStars, evidence });

let stack: Stack;
let roundId: string;
let coordinator: ApiUser, secretary: ApiUser, township: ApiUser, otherTownship: ApiUser;
let county: ApiUser, observer: ApiUser, observer2: ApiUser, countyReviewer2: ApiUser;
const branchUrl = () => `/api/rounds/${roundId}/branches/${BRANCH}`;

beforeAll(async () => {
  stack = await startStack();
  roundId = `e2e-${stack.runId}`;
  const login = (u: string) => ApiUser.login(stack.baseUrl, u);
  [coordinator, secretary, township, otherTownship, county, observer, observer2, countyReviewer2] =
    await Promise.all([
      login(`coord-${COUNTY}`),
      login(`sec-${BRANCH}`),
      login(`twp-${TOWNSHIP}-1`),
      login('twp-411099200-1'),
      login(`cty-${COUNTY}-1`),
      login(`obs-${COUNTY}-1`),
      login(`obs-${COUNTY}-2`),
      login(`cty-${COUNTY}-2`),
    ]);
});

afterAll(async () => {
  await stack?.stop();
});

const openTasks = async (u: ApiUser) =>
  (await u.get(`/api/tasks?roundId=${roundId}&status=open`)).body.items as any[];
const inbox = async (u: ApiUser) => (await u.get('/api/inbox?limit=200')).body.items as any[];
const state = async () => (await secretary.get(branchUrl())).body.state;

test('a branch goes through the whole cycle', async () => {
  // The coordinator starts the round; bad input is refused naming the field.
  const bad = await coordinator.post('/api/rounds', {
    roundId: 'X',
    countyCode: COUNTY,
    year: 2026,
    title: 't',
  });
  expect(bad.status).toBe(400);
  expect(bad.type).toContain('application/problem+json');
  expect(bad.body.errors.map((e: any) => e.field)).toContain('body.roundId');
  expect(
    (await secretary.post('/api/rounds', { roundId, countyCode: COUNTY, year: 2026, title: 't' })).status,
  ).toBe(403);

  const started = await coordinator.post('/api/rounds', {
    roundId,
    countyCode: COUNTY,
    year: 2026,
    title: '2026年度五星支部创建',
    schedule,
  });
  expect(started.status).toBe(201);
  expect(
    (
      await coordinator.post('/api/rounds', {
        roundId,
        countyCode: COUNTY,
        year: 2026,
        title: 'again',
        schedule,
      })
    ).status,
  ).toBe(409);

  // Every branch of the county is launched; this one waits for its self-check, as a task and a notice.
  const progress = await eventually(
    () => coordinator.get(`/api/rounds/${roundId}`),
    (r) => r.body?.progress?.launchDone === true,
  );
  expect(progress.body.progress.launched).toBe(30);
  await eventually(state, (s) => s?.step === 'SELF_CHECK');
  const selfCheckTask = (
    await eventually(
      () => openTasks(secretary),
      (t) => t.length === 1,
    )
  )[0];
  expect(selfCheckTask).toMatchObject({
    step: 'SELF_CHECK',
    branchId: BRANCH,
    light: 'green',
    status: 'open',
  });
  await eventually(
    () => inbox(secretary),
    (n) => n.some((x) => x.kind === 'step_opened'),
  );

  // Evidence: one file, uploaded by the secretary, answers the requirements (content-addressed).
  const pdf = Buffer.from('%PDF-1.4\n% 三会一课记录\n%%EOF\n');
  const uploaded = await secretary.upload(
    `${branchUrl()}/evidence?filename=records.pdf`,
    pdf,
    'application/pdf',
  );
  expect(uploaded.status).toBe(201);
  expect(uploaded.body.sha256).toMatch(/^[0-9a-f]{64}$/);
  const requirements = catalogTasks(rural).flatMap((t) => t.evidence.map((e) => e.code));

  // Self-check: a payload error names the field; missing evidence is listed; a reviewer cannot submit.
  // (The workflow's own refusals, each with its field: workflows/test/branch-assessment.test.ts.)
  const invalid = await secretary.post(`${branchUrl()}/self-check`, { scores: fullScores, targetStars: [] });
  expect(invalid.status).toBe(400);
  expect(invalid.body.errors[0].field).toBe('body.targetStars');
  const noEvidence = await secretary.post(`${branchUrl()}/self-check`, selfCheck());
  expect(noEvidence.status).toBe(400);
  expect(noEvidence.body.errors[0].field).toBe('body.evidence');
  expect(noEvidence.body.detail).toContain(requirements[0]);
  const stranger = { requirement: requirements[0]!, sha256: 'f'.repeat(64), filename: 'x.pdf' };
  const notUploaded = await secretary.post(`${branchUrl()}/self-check`, {
    ...selfCheck(),
    evidence: [stranger],
  });
  expect(notUploaded.status).toBe(400);
  expect(notUploaded.body.errors[0].field).toBe('body.evidence.0.sha256');
  evidence = requirements.map((requirement) => ({
    requirement,
    sha256: uploaded.body.sha256,
    filename: 'records.pdf',
  }));
  expect((await township.post(`${branchUrl()}/self-check`, selfCheck())).status).toBe(403);
  const submitted = await secretary.post(`${branchUrl()}/self-check`, selfCheck());
  expect(submitted.status).toBe(200);
  expect(submitted.body).toEqual({ step: 'TOWNSHIP_REVIEW', attempt: 1 });
  expect((await secretary.post(`${branchUrl()}/self-check`, selfCheck())).status).toBe(409);

  // Township review: another township's reviewer is refused; the right one returns it for rework.
  const foreign = await otherTownship.post(`${branchUrl()}/review`, { decision: 'approve' });
  expect(foreign.status).toBe(403);
  const noReasons = await township.post(`${branchUrl()}/review`, {
    decision: 'return',
    returnTo: 'SELF_CHECK',
  });
  expect(noReasons.status).toBe(400);
  expect(noReasons.body.errors.map((e: any) => e.field)).toContain('body.reasons');
  await eventually(
    () => openTasks(township),
    (t) => t.some((x) => x.step === 'TOWNSHIP_REVIEW'),
  );
  const returned = await township.post(`${branchUrl()}/review`, {
    decision: 'return',
    returnTo: 'SELF_CHECK',
    reasons: ['产业兴旺星佐证材料不全'],
  });
  expect(returned.status).toBe(200);
  expect(returned.body).toEqual({ step: 'SELF_CHECK', attempt: 2 });
  const reopened = await eventually(
    () => openTasks(secretary),
    (t) => t.length === 1 && t[0].key.endsWith('/SELF_CHECK/2'),
  );
  expect(reopened[0].step).toBe('SELF_CHECK');
  await eventually(
    () => openTasks(township),
    (t) => t.length === 0,
  );
  expect(
    (await state()).timeline.some(
      (e: any) => e.action === 'returned' && e.reasons[0] === '产业兴旺星佐证材料不全',
    ),
  ).toBe(true);

  // Rework, then approval of every star with a finding that becomes a rectification.
  expect((await secretary.post(`${branchUrl()}/self-check`, selfCheck())).body.step).toBe('TOWNSHIP_REVIEW');
  const approved = await township.post(`${branchUrl()}/review`, {
    ...approveAll,
    findings: [{ title: '三会一课记录不全' }],
  });
  expect(approved.body).toEqual({ step: 'COUNTY_PRE_REVIEW', attempt: 1 });
  // The county pre-review is due 3 working days after it opened (holidays and make-up days counted).
  // The review answers once the branch has moved; the step's deadline is planned just after.
  const pre = await eventually(state, (s) => s.deadline !== null);
  const openedAt = Date.parse(pre.timeline.findLast((e: any) => e.step === 'COUNTY_PRE_REVIEW').at);
  expect(pre.deadline).toBe(
    new Date(addWorkingDays(withWeekdayFallback(CN_MAINLAND_CALENDAR).calendar, openedAt, 3)).toISOString(),
  );
  // The county finds a "三零" breach: a veto that costs the safety star, and only that star.
  const countyReview = await county.post(`${branchUrl()}/review`, {
    ...approveAll,
    vetoes: [{ vetoCode: safetyVeto.code, note: '本年度发生一起刑事案件' }],
  });
  expect(countyReview.body.step).toBe('ON_SITE_OBSERVATION');

  // Observation: two observers score (industry low); the lead closes only at quorum.
  const sheet = { scores: { ...fullScores, ...weakIndustry } };
  expect((await observer.post(`${branchUrl()}/observation`, sheet)).body).toMatchObject({ sheets: 1 });
  expect((await observer2.post(`${branchUrl()}/observation`, sheet)).body).toMatchObject({ sheets: 2 });
  expect((await observer.post(`${branchUrl()}/observation/close`, {})).body.step).toBe('AWARD');
  const award = await coordinator.post(`${branchUrl()}/award`, {});
  expect(award.status).toBe(200);
  expect(award.body.level).toBe(2);
  const byCode = Object.fromEntries(award.body.award.stars.map((s: any) => [s.star, s]));
  expect(byCode.industry).toMatchObject({
    awarded: false,
    reachesThreshold: false,
    threshold: industry.threshold,
  });
  expect(byCode.safety).toMatchObject({ awarded: false, reachesThreshold: true });
  expect(byCode.safety.vetoes[0]).toMatchObject({
    code: safetyVeto.code,
    description: safetyVeto.description,
  });
  expect(byCode.party.awarded).toBe(false); // the capstone needs every other star
  expect(['ecology', 'civility'].every((c) => byCode[c].awarded)).toBe(true);
  expect(byCode.ecology.reviews.map((r: any) => r.status)).toEqual(['approved', 'approved']);

  // 公示: an objection the county upholds sends the branch back to on-site observation.
  expect(award.body.step).toBe('PUBLIC_NOTICE');
  const objected = await coordinator.post(`${branchUrl()}/objection`, {
    returnTo: 'ON_SITE_OBSERVATION',
    reasons: ['群众反映现场评分依据不足'],
  });
  expect(objected.body).toEqual({ step: 'ON_SITE_OBSERVATION', attempt: 2 });
  expect((await state()).award).toBeNull();
  // The team scores again; the award is confirmed again and published when the notice period ends.
  await observer.post(`${branchUrl()}/observation`, sheet);
  await observer2.post(`${branchUrl()}/observation`, sheet);
  expect((await observer2.post(`${branchUrl()}/observation/close`, {})).body.step).toBe('AWARD');
  expect((await coordinator.post(`${branchUrl()}/award`, {})).body.level).toBe(2);

  // Rankings follow the award: 2 stars in a township of 10 branches.
  const ranking = await eventually(
    () => coordinator.get(`/api/rankings?countyCode=${COUNTY}`),
    (r) => r.body?.branches?.some((b: any) => b.code === BRANCH && b.level === 2),
  );
  const twp = ranking.body.townships.find((t: any) => t.code === TOWNSHIP);
  expect(twp).toMatchObject({
    branches: 10,
    totalStars: 2,
    averageStars: '0.20',
    threeStarsOrMoreShare: '0.00',
  });
  expect(twp.levelCounts['2']).toBe(1);
  expect(ranking.body.county).toMatchObject({ branches: 30, totalStars: 2, averageStars: '0.07' });

  // The rectification goes overdue and climbs blue → yellow → red, each level to its own people.
  const s = await eventually(state, (x) => x.step === 'RECTIFICATION' && x.findings.length === 1);
  const findingUrl = `${branchUrl()}/findings/${s.findings[0].findingId}`;
  await eventually(
    () => secretary.get(findingUrl),
    (r) => r.body?.escalationLevel === 'red',
    30_000,
  );
  // 摘星: past the last rung the branch proposes revoking a star; the coordinator confirms it.
  await eventually(state, (x) => x.revocations.some((r: any) => r.status === 'proposed'));
  await eventually(
    () => openTasks(coordinator),
    (t) => t.some((x) => x.kind === 'revocation_decision'),
  );
  const revocationUrl = `${branchUrl()}/revocations/${s.findings[0].findingId}/decision`;
  const revoked = await coordinator.post(revocationUrl, {
    confirm: true,
    star: 'ecology',
    reasons: ['整改逾期未完成'],
  });
  expect(revoked.status).toBe(200);
  expect(revoked.body.level).toBe(1);
  expect(revoked.body.revocations[0]).toMatchObject({ status: 'confirmed', revoked: ['ecology'] });
  const lowered = await eventually(
    () => coordinator.get(`/api/rankings?countyCode=${COUNTY}`),
    (r) => r.body?.branches?.some((b: any) => b.code === BRANCH && b.level === 1),
  );
  expect(lowered.body.townships.find((t: any) => t.code === TOWNSHIP)).toMatchObject({
    totalStars: 1,
    averageStars: '0.10',
  });
  await eventually(
    () => openTasks(coordinator),
    (t) => !t.some((x) => x.kind === 'revocation_decision'),
  );

  const evidenceTask = await eventually(
    () => openTasks(secretary),
    (t) => t.length === 1 && t[0].kind === 'rectification_evidence' && t[0].escalationLevel === 'red',
  );
  expect(evidenceTask[0].light).toBe('red');
  await eventually(
    () => inbox(township),
    (n) => n.some((x) => x.kind === 'escalation' && x.escalationLevel === 'blue'),
  );
  await eventually(
    () => inbox(coordinator),
    (n) => n.some((x) => x.kind === 'escalation' && x.escalationLevel === 'yellow'),
  );
  await eventually(
    () => inbox(countyReviewer2),
    (n) => n.some((x) => x.kind === 'escalation' && x.escalationLevel === 'red'),
  );
  expect((await inbox(otherTownship)).some((x) => x.branchId === BRANCH)).toBe(false);

  // Evidence, a rejection with reasons, evidence again, close-out (销号).
  expect(
    (await secretary.post(`${findingUrl}/evidence`, { description: '已补齐2026年三会一课记录' })).body.status,
  ).toBe('awaiting_verification');
  await eventually(
    () => openTasks(township),
    (t) => t.some((x) => x.kind === 'rectification_verify'),
  );
  const rejected = await township.post(`${findingUrl}/verify`, {
    accepted: false,
    reasons: ['缺少第三季度记录'],
  });
  expect(rejected.body).toMatchObject({ status: 'awaiting_evidence', round: 2 });
  await eventually(
    () => openTasks(secretary),
    (t) => t.length === 1 && t[0].key.endsWith('/evidence/2'),
  );
  await secretary.post(`${findingUrl}/evidence`, { description: '已补第三季度记录' });
  const closed = await township.post(`${findingUrl}/verify`, { accepted: true });
  expect(closed.body.status).toBe('closed');

  // The branch closes; nothing stays open for it.
  await eventually(state, (x) => x.step === 'CLOSED');
  await eventually(
    () => openTasks(secretary),
    (t) => t.length === 0,
  );
  await eventually(
    () => openTasks(township),
    (t) => t.length === 0,
  );
  await recordHistory(stack.temporal, `round/${roundId}/branch/${BRANCH}`, 'branch-full-cycle');
  await recordHistory(stack.temporal, `round/${roundId}/branch/${BRANCH}/finding/F1`, 'rectification');
  const done = (await secretary.get(`/api/tasks?roundId=${roundId}&status=done&limit=100`)).body
    .items as any[];
  expect(done.map((t) => t.kind).sort()).toEqual(
    ['rectification_evidence', 'rectification_evidence', 'step', 'step'].sort(),
  );
});

test('unknown routes, branches and unauthenticated calls', async () => {
  expect((await secretary.get('/api/nope')).status).toBe(404);
  expect((await secretary.get(`/api/rounds/${roundId}/branches/411099999999`)).status).toBe(404);
  expect((await secretary.get(`/api/rounds/${roundId}/branches/41109910020`)).status).toBe(400);
  expect((await otherTownship.get(branchUrl())).status).toBe(403);
  const anon = await fetch(`${stack.baseUrl}/api/tasks`);
  expect(anon.status).toBe(401);
  const wrong = await fetch(`${stack.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: `sec-${BRANCH}`, password: 'wrong' }),
  });
  expect(wrong.status).toBe(401);
});

test('a round launches in pages, continuing as new, and unsigned steps are reminded, overdue and escalated', async () => {
  const pagedRound = `e2e-paged-${stack.runId}`;
  const tight: RoundSchedule = { ...schedule, steps: { ...schedule.steps, SELF_CHECK: seconds(2) } };
  const started = await coordinator.post('/api/rounds', {
    roundId: pagedRound,
    countyCode: COUNTY,
    year: 2027,
    title: '分页启动',
    schedule: tight,
    pageSize: 4,
    pagesPerRun: 2,
  });
  expect(started.status).toBe(201);

  // 30 branches in pages of 4: 8 pages, a new run every 2 pages, every branch started once.
  const progress = await eventually(
    () => coordinator.get(`/api/rounds/${pagedRound}`),
    (r) => r.body?.progress?.launchDone === true,
  );
  expect(progress.body.progress).toMatchObject({ launched: 30, pages: 8, skipped: 0, runs: 4 });
  const count = await eventually(
    () =>
      stack.temporal.workflow.count(
        `FivestarRoundId = '${pagedRound}' AND WorkflowType = 'branchAssessment'`,
      ),
    (c) => c.count === 30,
  );
  expect(count.count).toBe(30);

  // The self-check is left unsigned: reminder, overdue, then blue → yellow → red, to each level's people.
  const url = `/api/rounds/${pagedRound}/branches/${BRANCH}`;
  const s = await eventually(
    async () => (await secretary.get(url)).body?.state,
    (x) => x?.timeline?.filter((e: any) => e.action === 'escalated').length === 3,
  );
  expect(s.timeline.map((e: any) => e.action)).toEqual([
    'opened',
    'reminded',
    'overdue',
    'escalated',
    'escalated',
    'escalated',
  ]);
  const task = await eventually(
    async () => (await secretary.get(`/api/tasks?roundId=${pagedRound}`)).body.items as any[],
    (t) => t.length === 1 && t[0].escalationLevel === 'red',
  );
  expect(task[0]).toMatchObject({ step: 'SELF_CHECK', light: 'red', status: 'open' });
  const notices = await eventually(
    () => inbox(secretary),
    (n) => n.some((x) => x.roundId === pagedRound && x.kind === 'overdue'),
  );
  expect(notices.some((x) => x.roundId === pagedRound && x.kind === 'reminder')).toBe(true);
  await eventually(
    () => inbox(township),
    (n) =>
      n.some(
        (x) =>
          x.roundId === pagedRound &&
          x.branchId === BRANCH &&
          x.kind === 'escalation' &&
          x.escalationLevel === 'blue',
      ),
  );

  // The round closes only when its coordinator says so.
  expect((await county.post(`/api/rounds/${pagedRound}/close`)).status).toBe(403);
  const closed = await coordinator.post(`/api/rounds/${pagedRound}/close`);
  expect(closed.status).toBe(200);
  expect(closed.body.progress.closed).toBe(true);
  await recordHistory(stack.temporal, `round/${pagedRound}`, 'round-paged');
  expect((await coordinator.post(`/api/rounds/${pagedRound}/close`)).status).toBe(409);
});

test('urges are rate-limited, an approved extension moves the deadline, an unsigned self-check withdraws', async () => {
  const round = `e2e-urge-${stack.runId}`;
  // The withdrawal runs in a round of its own with short deadlines, so a slow machine cannot let the
  // urged branch's deadline pass (and withdraw it) before its extension is decided.
  const lapsing = `e2e-withdraw-${stack.runId}`;
  const LATE = '411099100202';
  const withdrawing: RoundSchedule = {
    ...schedule,
    steps: { ...schedule.steps, SELF_CHECK: seconds(5) },
    escalation: schedule.escalation.map((r, i) => ({ ...r, after: seconds(i) })),
    unsignedPolicy: { SELF_CHECK: 'withdraw' },
  };
  const start = async (roundId: string, title: string, policy: RoundSchedule) =>
    expect(
      (
        await coordinator.post('/api/rounds', {
          roundId,
          countyCode: COUNTY,
          year: 2028,
          title,
          schedule: policy,
        })
      ).status,
    ).toBe(201);
  await start(round, '催办与延期', schedule);
  await start(lapsing, '未自评退出', withdrawing);
  const url = `/api/rounds/${round}/branches/${BRANCH}`;
  await eventually(
    async () => (await secretary.get(url)).body?.state,
    (x) => x?.step === 'SELF_CHECK' && x.attempt === 1,
  );

  // 催办: the county task force urges; a second urge inside the interval is refused; a village cannot urge.
  const urged = await coordinator.post(`${url}/urge`, { note: '请尽快完成自评' });
  expect(urged.status).toBe(200);
  expect(urged.body.lastUrgedAt).not.toBeNull();
  expect((await township.post(`${url}/urge`, {})).status).toBe(409);
  expect((await secretary.post(`${url}/urge`, {})).status).toBe(403);
  await eventually(
    () => inbox(secretary),
    (n) => n.some((x) => x.roundId === round && x.kind === 'urge' && x.body.includes('请尽快完成自评')),
  );
  await eventually(
    async () => (await secretary.get(`/api/tasks?roundId=${round}`)).body.items as any[],
    (t) => t.length === 1 && t[0].urgeCount === 1,
  );

  // 延期: the village asks, the township (one level up) decides; the deadline and the task follow.
  const until = new Date(Date.now() + 600_000).toISOString();
  const asked = await secretary.post(`${url}/extension`, {
    requestedDeadline: until,
    reasons: ['村两委换届，材料整理需要时间'],
  });
  expect(asked.status).toBe(200);
  expect(asked.body.extensionRequestedUntil).toBe(until);
  const approvals = await eventually(
    async () => (await township.get(`/api/tasks?roundId=${round}`)).body.items as any[],
    (t) => t.some((x) => x.kind === 'extension_decision' && x.branchId === BRANCH),
  );
  expect(approvals.find((x) => x.kind === 'extension_decision').title).toContain('延期申请');
  const decided = await township.post(`${url}/extension/decision`, { approved: true });
  expect(decided.status).toBe(200);
  expect(decided.body.deadline).toBe(until);
  expect((await secretary.get(url)).body.state.deadline).toBe(until);
  await eventually(
    async () => (await secretary.get(`/api/tasks?roundId=${round}`)).body.items as any[],
    (t) => t.length === 1 && t[0].deadline === until,
  );
  await eventually(
    () => inbox(secretary),
    (n) => n.some((x) => x.roundId === round && x.kind === 'extension_decided'),
  );

  // The branch that never self-checks is withdrawn after the last rung (the round's policy).
  const late = await eventually(
    async () => (await coordinator.get(`/api/rounds/${lapsing}/branches/${LATE}`)).body?.state,
    (x) => x?.step === 'CLOSED',
    60_000,
  );
  expect(late.withdrawn).toBe(true);
  expect(late.timeline.filter((e: any) => e.action === 'escalated')).toHaveLength(3);
  await recordHistory(stack.temporal, `round/${lapsing}/branch/${LATE}`, 'branch-withdrawn');
  // The extended branch is still waiting for its self-check.
  expect((await secretary.get(url)).body.state.step).toBe('SELF_CHECK');
});

test('a weak and lax branch gets no stars until its 整顿 (F0) is closed out', async () => {
  const round = `e2e-weak-${stack.runId}`;
  const WEAK = '411099200210';
  const url = `/api/rounds/${round}/branches/${WEAK}`;
  const quick: RoundSchedule = { ...schedule, publicNotice: null, rectification: seconds(600) };
  expect(
    (
      await coordinator.post('/api/rounds', {
        roundId: round,
        countyCode: COUNTY,
        year: 2029,
        title: '整顿',
        schedule: quick,
      })
    ).status,
  ).toBe(201);
  const [sec, twp] = await Promise.all([
    ApiUser.login(stack.baseUrl, `sec-${WEAK}`),
    ApiUser.login(stack.baseUrl, 'twp-411099200-1'),
  ]);
  const opened = await eventually(
    async () => (await sec.get(url)).body?.state,
    (x) => x?.attempt === 1 && x.findings.some((f: any) => f.findingId === 'F0'),
  );
  expect(opened.findings[0]).toMatchObject({ findingId: 'F0', title: '软弱涣散党组织整顿' });

  // Through every step with full marks…
  const pdf = await sec.upload(
    `${url}/evidence?filename=a.pdf`,
    Buffer.from('%PDF-1.4\n%%EOF\n'),
    'application/pdf',
  );
  const refs = catalogTasks(rural).flatMap((t) =>
    t.evidence.map((e) => ({ requirement: e.code, sha256: pdf.body.sha256, filename: 'a.pdf' })),
  );
  expect(
    (await sec.post(`${url}/self-check`, { scores: fullScores, targetStars: allStars, evidence: refs }))
      .status,
  ).toBe(200);
  const twpReview = await twp.post(`${url}/review`, approveAll);
  expect(twpReview.body).toMatchObject({ step: 'COUNTY_PRE_REVIEW' });
  expect((await county.post(`${url}/review`, approveAll)).body.step).toBe('ON_SITE_OBSERVATION');
  await observer.post(`${url}/observation`, { scores: fullScores });
  await observer2.post(`${url}/observation`, { scores: fullScores });
  expect((await observer.post(`${url}/observation/close`, {})).body.step).toBe('AWARD');

  // …but the award waits for the 整顿 to be closed out.
  const blocked = await coordinator.post(`${url}/award`, {});
  expect(blocked.status).toBe(409);
  expect(blocked.body.detail).toContain('整顿');
  // The 整顿's deadline is planned by an activity; evidence is taken once it is in place.
  await eventually(
    async () => (await sec.get(`${url}/findings/F0`)).body,
    (f) => typeof f?.deadline === 'string' && f.deadline.length > 0,
  );
  expect(
    (await sec.post(`${url}/findings/F0/evidence`, { description: '整顿方案已落实，班子已调整' })).status,
  ).toBe(200);
  expect((await twp.post(`${url}/findings/F0/verify`, { accepted: true })).body.status).toBe('closed');
  const awarded = await eventually(
    () => coordinator.post(`${url}/award`, {}),
    (r) => r.status === 200,
    10_000,
  );
  expect(awarded.body.level).toBe(5);
  expect(awarded.body.award.weak).toMatchObject({
    weak: true,
    weakRectificationClosed: true,
    blocked: false,
  });
  await recordHistory(stack.temporal, `round/${round}/branch/${WEAK}`, 'branch-weak');
});
