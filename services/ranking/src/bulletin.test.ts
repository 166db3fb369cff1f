import type { BulletinItem, BulletinResult, BulletinTownship } from '@fivestar/contracts';
import { bulletinHtml, bulletinId, bulletinTitle, daysText, rankArrow } from './bulletin';

const area = (code: string, name: string, rank: number, previousRank: number | null): BulletinTownship => ({
  code,
  name,
  branches: 3,
  levelCounts: { 0: 1, 1: 0, 2: 0, 3: 2, 4: 0, 5: 0 },
  totalStars: 6,
  starCounts: { industry: 2, party: 0 },
  averageStars: '2.00',
  threeStarsOrMoreShare: '66.67',
  rank,
  previousRank,
  rankMovement: null,
  previousTotalStars: null,
});

const item = (over: Partial<BulletinItem>): BulletinItem => ({
  kind: 'step',
  branchCode: '410102001001',
  branchName: '<一>村',
  townshipCode: '410102001',
  townshipName: '东镇',
  roundId: 'r1',
  step: 'TOWNSHIP_REVIEW',
  findingId: null,
  title: '一村：乡镇审核',
  deadline: '2026-09-30T15:59:59.999Z',
  overdueSince: '2026-09-30T16:00:00.000Z',
  daysOverdue: 2,
  daysUnit: 'working',
  escalation: null,
  ...over,
});

const bulletinOf = (over: Partial<BulletinResult>): BulletinResult => ({
  countyCode: '410102',
  countyName: '示范县',
  period: '2026-03',
  previousPeriod: null,
  roundId: null,
  title: '示范县2026年3月五星支部创建排名通报',
  takenAt: '2026-03-31T00:00:00.000Z',
  stars: [
    { code: 'industry', name: '产业发展星' },
    { code: 'party', name: '支部过硬星' },
  ],
  county: area('410102', '示范县', 1, null),
  townships: [area('410102001', '<东>镇', 1, 2)],
  branches: [],
  itemsAsOf: '2026-10-09T02:00:00.000Z',
  overdue: [],
  escalated: [],
  ...over,
});

describe('bulletin rendering', () => {
  it('shows rank movement as arrows with the places moved', () => {
    expect(rankArrow(1, 3)).toBe('↑2');
    expect(rankArrow(4, 2)).toBe('↓2');
    expect(rankArrow(2, 2)).toBe('—');
    expect(rankArrow(2, null)).toBe('');
  });

  it('names the bulletin and its id by county and month', () => {
    expect(bulletinTitle('示范县', '2026-03')).toBe('示范县2026年3月五星支部创建排名通报');
    expect(bulletinId('410102', '2026-03')).toBe('bulletin/410102/2026-03');
  });

  it('escapes names and shows shares to 0.01%', () => {
    const html = bulletinHtml(bulletinOf({}));
    expect(html).toContain('<td>&lt;东&gt;镇</td>');
    expect(html).toContain(
      '<td>1</td><td>↑1</td><td>&lt;东&gt;镇</td><td>3</td><td>6</td><td>2.00</td><td>66.67%</td>',
    );
    expect(html).toContain('本月为首次排名。');
  });

  it('tallies every star of the catalog per township and for the county, a star nobody holds at 0', () => {
    const html = bulletinHtml(bulletinOf({}));
    expect(html).toContain('<thead><tr><th>乡镇</th><th>产业发展星</th><th>支部过硬星</th></tr></thead>');
    expect(html).toContain('<tr><td>&lt;东&gt;镇</td><td>2</td><td>0</td></tr>');
    expect(html).toContain('<tr><td>全县</td><td>2</td><td>0</td></tr>');
  });

  it('says in which days an item is overdue', () => {
    expect(daysText(item({}))).toBe('2 个工作日');
    expect(daysText(item({ daysOverdue: 6, daysUnit: 'calendar' }))).toBe('6 个自然日');
  });

  it('lists overdue and escalated items with Beijing dates and 督办 levels', () => {
    const red = item({
      kind: 'rectification',
      step: null,
      findingId: 'F1',
      title: '一村：整改——垃圾清运',
      escalation: { level: 'red', since: '2026-10-08T17:00:00.000Z' },
    });
    const html = bulletinHtml(bulletinOf({ overdue: [item({}), red], escalated: [red] }));
    expect(html).toContain('截至 2026-10-09，逾期事项 2 项，其中督办事项 1 项。');
    // Overdue: township, branch, step, title, deadline (Beijing day), days overdue, 督办 level.
    expect(html).toContain(
      '<tr><td>东镇</td><td>&lt;一&gt;村</td><td>乡镇审核</td><td>一村：乡镇审核</td><td>2026-09-30</td><td>2 个工作日</td><td>—</td></tr>',
    );
    expect(html).toContain(
      '<tr><td>东镇</td><td>&lt;一&gt;村</td><td>限期整改</td><td>一村：整改——垃圾清运</td><td>2026-09-30</td><td>2 个工作日</td><td>红色督办单</td></tr>',
    );
    // Escalated: the level and since when (01:00 on the 9th in Beijing).
    expect(html).toContain(
      '<tr><td>东镇</td><td>&lt;一&gt;村</td><td>限期整改</td><td>一村：整改——垃圾清运</td><td>红色督办单</td><td>2026-10-09</td><td>2 个工作日</td></tr>',
    );
  });
});
