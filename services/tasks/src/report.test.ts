import type { LedgerRow } from '@fivestar/contracts';
import {
  countDeltas,
  countRows,
  cstDate,
  csvField,
  isoWeek,
  LEDGER_HEADER,
  ledgerCsv,
  ledgerLine,
  ledgerScope,
  previousIsoWeek,
  zeroCounts,
} from './report';

describe('ISO weeks (China dates)', () => {
  it.each([
    ['2026-11-18T04:00:00Z', '2026-W47'],
    ['2026-11-25T04:00:00Z', '2026-W48'],
    // Sunday 16:30 UTC is Monday 00:30 in China: the next week.
    ['2026-11-22T16:30:00Z', '2026-W48'],
    ['2026-11-22T15:59:59Z', '2026-W47'],
    ['2027-01-01T04:00:00Z', '2026-W53'],
    ['2027-01-04T04:00:00Z', '2027-W01'],
    ['2025-12-29T04:00:00Z', '2026-W01'],
    ['2021-01-03T04:00:00Z', '2020-W53'],
  ])('%s is %s', (at, week) => {
    expect(isoWeek(new Date(at))).toBe(week);
  });

  it.each([
    ['2026-W48', '2026-W47'],
    ['2027-W01', '2026-W53'],
    ['2026-W01', '2025-W52'],
    ['2021-W01', '2020-W53'],
  ])('the week before %s is %s', (week, before) => {
    expect(previousIsoWeek(week)).toBe(before);
  });

  it('dates in China', () => {
    expect(cstDate('2026-11-17T16:00:00.000Z')).toBe('2026-11-18');
    expect(cstDate('2026-11-17T15:59:59.999Z')).toBe('2026-11-17');
  });
});

describe('CSV', () => {
  it('quotes per RFC 4180 only when needed', () => {
    expect(csvField('plain 文本')).toBe('plain 文本');
    expect(csvField(3)).toBe('3');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('cr\rlf')).toBe('"cr\rlf"');
    expect(csvField('')).toBe('');
  });

  const row: LedgerRow = {
    key: 'r/1',
    kind: 'rectification_verify',
    title: '核验,"一"',
    roundId: 'r',
    branchId: '330102001001',
    townshipCode: '330102001',
    step: null,
    findingId: 'F1',
    group: { role: 'township_reviewer', jurisdiction: '330102001' },
    status: 'done',
    deadline: '2026-11-20T00:00:00.000Z',
    provisional: false,
    openedAt: '2026-11-10T00:00:00.000Z',
    closedAt: '2026-11-19T17:00:00.000Z',
    light: 'green',
    escalationLevel: 'red',
    urgeCount: 2,
  };

  it('writes a BOM, the header and CRLF lines', () => {
    expect(ledgerLine(row, 0)).toEqual([
      1,
      '330102001',
      '330102001001',
      '核验,"一"',
      '整改核验',
      '乡镇审核人（330102001）',
      '2026-11-20',
      '',
      '已办结',
      '绿灯',
      '红色督办',
      2,
      '2026-11-20',
    ]);
    const text = ledgerCsv([row]).toString('utf8');
    expect(text).toBe(
      '\uFEFF序号,乡镇,支部,事项,环节,责任主体,期限,期限说明,状态,亮灯,督办级别,催办次数,销号日期\r\n' +
        '1,330102001,330102001001,"核验,""一""",整改核验,乡镇审核人（330102001）,2026-11-20,,已办结,绿灯,红色督办,2,2026-11-20\r\n',
    );
  });

  it('says when a deadline is counted Monday–Friday for now (期限说明)', () => {
    const line = ledgerLine({ ...row, provisional: true }, 0);
    expect(line[LEDGER_HEADER.indexOf('期限说明')]).toBe('暂按工作日计算');
    expect(line).toHaveLength(LEDGER_HEADER.length);
  });

  it('counts rows and subtracts counts key by key', () => {
    const c = countRows([row, { ...row, status: 'open', light: 'red', escalationLevel: null, kind: 'step' }]);
    expect(c).toEqual({
      total: 2,
      byStatus: { open: 1, done: 1 },
      byLight: { green: 1, yellow: 0, red: 1 },
      byEscalation: { none: 1, blue: 0, yellow: 0, red: 1 },
      byKind: {
        step: 1,
        rectification_evidence: 0,
        rectification_verify: 1,
        extension_decision: 0,
        revocation_decision: 0,
      },
    });
    expect(countDeltas(zeroCounts(), c).byLight).toEqual({ green: -1, yellow: 0, red: -1 });
    expect(countDeltas(c, c)).toEqual({ ...zeroCounts() });
  });
});

describe('ledger scope', () => {
  const v = { userId: 'u', role: 'township_reviewer' as const, jurisdiction: '330102001' };
  it('allows the viewer’s jurisdiction and inside it; forbids the rest', () => {
    expect(ledgerScope(v, '330102001')).toBe('330102001');
    expect(ledgerScope(v, '330102001001')).toBe('330102001001');
    expect(() => ledgerScope(v, '330102')).toThrow(expect.objectContaining({ code: 'forbidden' }));
    expect(() => ledgerScope(v, '330102002')).toThrow(expect.objectContaining({ code: 'forbidden' }));
  });
});
