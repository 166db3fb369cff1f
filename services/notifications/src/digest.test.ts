import { dayBounds, digestMessage } from './digest';

describe('dayBounds', () => {
  it('spans the day in Asia/Shanghai (UTC+8)', () => {
    expect(dayBounds('2026-11-27')).toEqual({
      from: '2026-11-26T16:00:00.000Z',
      to: '2026-11-27T16:00:00.000Z',
    });
    expect(dayBounds('2027-01-01').from).toBe('2026-12-31T16:00:00.000Z');
  });
});

describe('digestMessage', () => {
  it('counts per kind in the kinds’ order, then lists the titles of each kind', () => {
    const m = digestMessage('2026-11-27', [
      { kind: 'escalation', title: '黄色督办单（挂牌督办）：乡镇审核' },
      { kind: 'overdue', title: '逾期提醒：乡镇审核' },
      { kind: 'overdue', title: '逾期提醒：村自评' },
    ]);
    expect(m).toEqual({
      title: '【五星支部】11月27日待办摘要',
      body: [
        '【五星支部】11月27日待办摘要：逾期 2 条、督办 1 条。',
        '逾期：逾期提醒：乡镇审核；逾期提醒：村自评',
        '督办：黄色督办单（挂牌督办）：乡镇审核',
      ].join('\n'),
    });
  });

  it('lists at most five titles of a kind and says how many there were', () => {
    const items = Array.from({ length: 7 }, (_, i) => ({ kind: 'urge' as const, title: `催办${i + 1}` }));
    expect(digestMessage('2026-01-05', items).body).toBe(
      '【五星支部】1月5日待办摘要：催办 7 条。\n催办：催办1；催办2；催办3；催办4；催办5 等 7 条',
    );
  });
});
