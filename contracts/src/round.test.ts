import { ChainTemplate, DEFAULT_CHAIN, DEFAULT_SCHEDULE, RoundSchedule, StartRoundRequest } from './round';

const messages = (r: { success: boolean; error?: { issues: { message: string }[] } }) =>
  r.error?.issues.map((i) => i.message) ?? [];

describe('the chain template', () => {
  it("is today's chain when omitted, and optional in the start request", () => {
    expect(ChainTemplate.parse({})).toEqual(DEFAULT_CHAIN);
    const start = { roundId: 'r-2026', countyCode: '411099', year: 2026, title: '2026年度' };
    expect(StartRoundRequest.parse(start).chain).toBeUndefined();
  });

  it('refuses, in Chinese, naming that does not rise, a share outside 0–1, no seed and stars beyond five', () => {
    const due = { workingDays: 5 };
    const r = ChainTemplate.safeParse({
      cityRecheck: { minStars: 6, due },
      provinceSpotCheck: { minStars: 5, share: 1.5, seed: ' ', due },
      naming: [
        { fromLevel: 5, scope: 'city' },
        { fromLevel: 4, scope: 'province' },
      ],
    });
    expect(messages(r)).toEqual([
      '星级应在1至5之间',
      '抽查比例应在0至1之间',
      '请填写抽查种子',
      '命名权限须按星级由低到高、层级由市到省排列',
    ]);
  });
});

describe('the escalation ladder', () => {
  const ladder = (notify: { role: string; scope: string }) =>
    RoundSchedule.safeParse({
      ...DEFAULT_SCHEDULE,
      escalation: [{ level: 'red', after: { workingDays: 6 }, notify }],
    });

  it("may notify the city's or the province's group (市级督办)", () => {
    expect(ladder({ role: 'coordinator', scope: 'city' }).success).toBe(true);
    expect(ladder({ role: 'city_reviewer', scope: 'city' }).success).toBe(true);
    expect(ladder({ role: 'leader', scope: 'province' }).success).toBe(true);
  });

  it('refuses a group nobody can be in', () => {
    expect(messages(ladder({ role: 'city_reviewer', scope: 'county' }))).toEqual([
      '该层级没有此角色，督办通知无人接收',
    ]);
  });
});
