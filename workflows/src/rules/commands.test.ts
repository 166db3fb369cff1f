import {
  DecideRevocation,
  RecordObservation,
  Review,
  SubmitSelfCheck,
  defaultCatalogFor,
  type AwardDecision,
  type BranchState,
  type Catalog,
} from '@fivestar/contracts';
import {
  closeObservationRefusal,
  observationRefusal,
  reviewDecision,
  reviewRefusal,
  revocationRefusal,
  revokeStar,
  selfCheckRefusal,
} from './commands';

const rural = defaultCatalogFor('rural') as Catalog;
const starOf = (code: string) => rural.stars.find((s) => s.code === code)!;
const tasksOf = (star: string) => starOf(star).tasks.map((t) => t.code);
const sha = 'a'.repeat(64);
const filesFor = (star: string) =>
  starOf(star).tasks.flatMap((t) =>
    t.evidence
      .filter((e) => e.required)
      .map((e) => ({ requirement: e.code, sha256: sha, filename: 'f.pdf' })),
  );
const selfCheck = (over: Partial<SubmitSelfCheck> = {}) =>
  SubmitSelfCheck.parse({
    targetStars: ['safety'],
    scores: { 'R-SAF-1': 10 },
    evidence: filesFor('safety'),
    ...over,
  });
const reviewer = { userId: 'u-town', name: '张三' };

describe('selfCheckRefusal', () => {
  it('admits a self-check that files every required item of its stars', () => {
    expect(selfCheckRefusal(rural, selfCheck())).toBeNull();
  });

  it('names the field of the first fault: unknown star, unknown task, unknown or missing evidence', () => {
    expect(selfCheckRefusal(rural, selfCheck({ targetStars: ['safety', 'moon'] }))).toEqual({
      type: 'Invalid',
      message: '星级代码不存在：moon',
      field: 'targetStars',
    });
    expect(selfCheckRefusal(rural, selfCheck({ scores: { 'X-1': 3 } }))).toEqual({
      type: 'Invalid',
      message: '任务代码不存在：X-1',
      field: 'scores',
    });
    const stray = [...filesFor('safety'), { requirement: 'NOPE-1', sha256: sha, filename: 'x.pdf' }];
    expect(selfCheckRefusal(rural, selfCheck({ evidence: stray }))).toEqual({
      type: 'Invalid',
      message: '佐证材料要求代码不存在：NOPE-1',
      field: 'evidence',
    });
    const missing = selfCheckRefusal(rural, selfCheck({ evidence: filesFor('safety').slice(1) }));
    expect(missing).toMatchObject({ type: 'Invalid', field: 'evidence' });
    expect(missing!.message).toMatch(/^申报星级缺少佐证材料：R-SAF-1-E1（.+）$/);
  });
});

describe('reviewRefusal', () => {
  const approve = (stars: string[]) =>
    Review.parse({ decision: 'approve', stars: stars.map((star) => ({ star, approved: true })) });
  const refusal = (body: Review, step: 'TOWNSHIP_REVIEW' | 'COUNTY_PRE_REVIEW' = 'COUNTY_PRE_REVIEW') =>
    reviewRefusal(rural, step, ['safety', 'party'], body);

  it('wants one verdict on every claimed star and no other', () => {
    expect(refusal(approve(['safety', 'party']))).toBeNull();
    expect(refusal(approve(['safety', 'party', 'ecology']))).toEqual({
      type: 'Invalid',
      message: '未申报的星级不能审核：ecology',
      field: 'stars',
    });
    expect(refusal(approve(['safety', 'party', 'safety']))).toEqual({
      type: 'Invalid',
      message: '同一星级重复审核：safety',
      field: 'stars',
    });
    expect(refusal(approve(['safety']))).toEqual({
      type: 'Invalid',
      message: '请对每颗申报星级作出审核意见，尚缺：party',
      field: 'stars',
    });
  });

  it('returns only to an earlier step, and checks no verdicts on a return', () => {
    const back = (returnTo: string) => Review.parse({ decision: 'return', returnTo, reasons: ['材料不全'] });
    expect(refusal(back('SELF_CHECK'))).toBeNull();
    expect(refusal(back('TOWNSHIP_REVIEW'), 'TOWNSHIP_REVIEW')).toEqual({
      type: 'Invalid',
      message: '只能退回到之前的环节',
      field: 'returnTo',
    });
  });

  it('refuses a veto the catalog does not have, before anything else', () => {
    const body = Review.parse({ decision: 'approve', vetoes: [{ vetoCode: 'V-NONE', note: '无' }] });
    expect(refusal(body)).toEqual({
      type: 'Invalid',
      message: '否决条件代码不存在：V-NONE',
      field: 'vetoes',
    });
  });
});

describe('reviewDecision', () => {
  it('is a return to the named step, or the reviewer’s verdict on each star', () => {
    const back = Review.parse({ decision: 'return', returnTo: 'SELF_CHECK', reasons: ['材料不全'] });
    expect(reviewDecision(back, reviewer)).toEqual({
      kind: 'return',
      toStep: 'SELF_CHECK',
      reasons: ['材料不全'],
    });
    const body = Review.parse({
      decision: 'approve',
      stars: [
        { star: 'safety', approved: true },
        { star: 'party', approved: false, reasons: ['组织生活不规范'] },
      ],
    });
    expect(reviewDecision(body, reviewer)).toEqual({
      kind: 'approve',
      verdicts: [
        { star: 'safety', approved: true, reasons: [], reviewer },
        { star: 'party', approved: false, reasons: ['组织生活不规范'], reviewer },
      ],
    });
  });
});

describe('observation', () => {
  const rule = { rule: 'mean', quorum: 2, outlierPoints: 3 } as const;
  const sheet = (id: string, tasks: string[]) => ({
    observer: { userId: id, name: id },
    scores: Object.fromEntries(tasks.map((t) => [t, 5])),
  });

  it('scores known tasks and names known vetoes', () => {
    expect(observationRefusal(rural, RecordObservation.parse({ scores: { 'R-SAF-1': 5 } }))).toBeNull();
    expect(observationRefusal(rural, RecordObservation.parse({ scores: { 'X-9': 5 } }))).toMatchObject({
      field: 'scores',
    });
    const veto = RecordObservation.parse({ scores: {}, vetoes: [{ vetoCode: 'V-NONE', note: '无' }] });
    expect(observationRefusal(rural, veto)).toMatchObject({ field: 'vetoes' });
  });

  it('closes only once the quorum scored every task of the claimed stars', () => {
    const full = tasksOf('safety');
    expect(closeObservationRefusal(rural, ['safety'], [sheet('a', full), sheet('b', full)], rule)).toBeNull();
    expect(
      closeObservationRefusal(rural, ['safety'], [sheet('a', full), sheet('b', full.slice(1))], rule),
    ).toEqual({
      type: 'Conflict',
      message: '评分表不足：需至少2名观摩员对申报星级的全部任务评分，现有2份',
    });
  });
});

describe('revocation (摘星)', () => {
  const star = (code: string, awarded: boolean, capstone = false) => ({
    star: code,
    name: `${code}星`,
    capstone,
    awarded,
    reasons: [] as string[],
    why: '',
  });
  const award = {
    level: 3,
    awardedStars: ['safety', 'ecology', 'party'],
    stars: [star('safety', true), star('ecology', true), star('industry', false), star('party', true, true)],
  } as unknown as AwardDecision;
  const proposal = (status: BranchState['revocations'][number]['status'], s: string | null = 'safety') => ({
    findingId: 'F1',
    star: s,
    title: '整改逾期',
    status,
    revoked: [],
    reasons: [],
  });
  const confirm = (over: object = {}) => DecideRevocation.parse({ confirm: true, ...over });

  it('decides a pending proposal only, on a star the branch holds', () => {
    expect(revocationRefusal(proposal('proposed'), award, confirm())).toBeNull();
    expect(revocationRefusal(undefined, award, confirm())).toEqual({
      type: 'Conflict',
      message: '没有待审议的摘星建议',
    });
    expect(revocationRefusal(proposal('dismissed'), award, confirm())).toMatchObject({ type: 'Conflict' });
    expect(revocationRefusal(proposal('proposed', null), award, confirm())).toEqual({
      type: 'Invalid',
      message: '请指定要摘除的星级',
      field: 'star',
    });
    expect(revocationRefusal(proposal('proposed'), award, confirm({ star: 'industry' }))).toEqual({
      type: 'Invalid',
      message: '该支部当前未获评此星：industry',
      field: 'star',
    });
    const dismiss = DecideRevocation.parse({ confirm: false, reasons: ['已整改'] });
    expect(revocationRefusal(proposal('proposed', null), null, dismiss)).toBeNull();
  });

  it('takes the star, and the capstone with it under the capstone rule, leaving the award given as it was', () => {
    const both = revokeStar(award, 'safety', ['整改逾期'], true);
    expect(both.revoked).toEqual([
      { code: 'safety', name: 'safety星' },
      { code: 'party', name: 'party星' },
    ]);
    expect(both.award).toMatchObject({ level: 1, awardedStars: ['ecology'] });
    expect(both.award.stars[0]).toMatchObject({
      awarded: false,
      why: '摘星：整改逾期',
      reasons: ['摘星：整改逾期'],
    });
    expect(both.award.stars[3]).toMatchObject({ awarded: false, why: '统领星随其他星级摘除' });
    expect(award.stars.every((s) => s.reasons.length === 0)).toBe(true);
    expect(award.level).toBe(3);

    const one = revokeStar(award, 'ecology', [], false);
    expect(one.revoked).toEqual([{ code: 'ecology', name: 'ecology星' }]);
    expect(one.award).toMatchObject({ level: 2, awardedStars: ['safety', 'party'] });
    expect(one.award.stars[1]!.why).toBe('摘星：整改逾期未完成');
  });
});
