import type { BulletinResult, BulletinTownship } from '@fivestar/contracts';
import { bulletinHtml, bulletinId, bulletinTitle, rankArrow } from './bulletin';

const area = (code: string, name: string, rank: number, previousRank: number | null): BulletinTownship => ({
  code,
  name,
  branches: 3,
  levelCounts: { 0: 1, 1: 0, 2: 0, 3: 2, 4: 0, 5: 0 },
  totalStars: 6,
  averageStars: '2.00',
  threeStarsOrMoreShare: '66.7',
  rank,
  previousRank,
  rankMovement: null,
  previousTotalStars: null,
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

  it('escapes names and shows shares to 0.1%', () => {
    const b: BulletinResult = {
      countyCode: '410102',
      countyName: '示范县',
      period: '2026-03',
      previousPeriod: null,
      roundId: null,
      title: '示范县2026年3月五星支部创建排名通报',
      takenAt: '2026-03-31T00:00:00.000Z',
      county: area('410102', '示范县', 1, null),
      townships: [area('410102001', '<东>镇', 1, 2)],
      branches: [],
    };
    const html = bulletinHtml(b);
    expect(html).toContain('<td>&lt;东&gt;镇</td>');
    expect(html).toContain(
      '<td>1</td><td>↑1</td><td>&lt;东&gt;镇</td><td>3</td><td>6</td><td>2.00</td><td>66.7%</td>',
    );
    expect(html).toContain('本月为首次排名。');
  });
});
