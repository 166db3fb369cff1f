import {
  calendarFieldPlace,
  calendarTemplate,
  calendarYearFromIcs,
  calendarYearFromJson,
  calendarYearFromRows,
  dateFromCell,
  readCalendarFile,
  type CalendarSheetLike,
} from './calendar-files';

const ics = (...events: string[]) =>
  [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'X-WR-CALNAME:中国节假日',
    ...events.flatMap((e) => ['BEGIN:VEVENT', ...e.split('\n'), 'END:VEVENT']),
    'END:VCALENDAR',
    '',
  ].join('\r\n');

describe('calendar files: JSON', () => {
  it('takes the request body as it is, dates sorted', () => {
    const r = calendarYearFromJson(
      JSON.stringify({
        holidays: ['2027-01-03', '2027-01-01', '2027-01-02'],
        workdays: [],
        source: '国办通知',
      }),
      2027,
      'y.json',
    );
    expect(r.errors).toEqual([]);
    expect(r.body).toEqual({
      holidays: ['2027-01-01', '2027-01-02', '2027-01-03'],
      workdays: [],
      source: '国办通知',
    });
  });

  it('takes the year out of a whole calendar file', () => {
    const r = calendarYearFromJson(
      JSON.stringify({ id: 'cn-mainland', years: { '2027': { holidays: ['2027-01-01'], workdays: [] } } }),
      2027,
      'cal.json',
    );
    expect(r.body?.holidays).toEqual(['2027-01-01']);
    expect(calendarYearFromJson('{"years":{"2026":{}}}', 2027, 'cal.json').errors[0]!.message).toBe(
      '文件中没有2027年的数据（有：2026）',
    );
  });

  it('names each bad element by its path, in Chinese', () => {
    const r = calendarYearFromJson(
      JSON.stringify({ holidays: ['2027-01-01'], workdays: ['2027-02-08', '2026-12-26'] }),
      2027,
      'y.json',
    );
    expect(r.body).toBeUndefined();
    expect(r.errors.map((e) => e.message)).toEqual(
      expect.arrayContaining(['2026-12-26 不在 2027 年内', '调休上班日 2027-02-08 不是周六或周日']),
    );
    expect(r.errors.find((e) => e.message.startsWith('2026'))?.column).toBe('workdays.1');
    expect(calendarYearFromJson('{"holidays": [', 2027, 'y.json').errors[0]!.message).toMatch(
      /^不是有效的 JSON/,
    );
    expect(calendarYearFromJson('{"holidays":[],"workdays":[]}', 2027, 'y.json').errors).toEqual([
      { source: 'y.json', row: 0, column: 'holidays', message: '一年至少有一个节假日' },
    ]);
  });
});

describe('calendar files: rows', () => {
  it('reads 日期 | 类型 rows in any date spelling, blank rows skipped', () => {
    const r = calendarYearFromRows(
      [
        ['日期', '类型', '说明'],
        ['2027-01-01', '放假', '元旦'],
        [],
        [new Date(Date.UTC(2027, 0, 2)), '休', ''],
        ['2027年1月3日', '假', ''],
        [46424, '上班', '春节调休'],
        ['2027/2/7', '班', ''],
      ],
      2027,
      '工作日历.csv',
    );
    expect(r.errors).toEqual([]);
    expect(r.body).toEqual({
      holidays: ['2027-01-01', '2027-01-02', '2027-01-03'],
      workdays: ['2027-02-06', '2027-02-07'],
    });
    expect(r.workdays.map((d) => d.row)).toEqual([6, 7]);
  });

  it('names the row and column of every problem', () => {
    const r = calendarYearFromRows(
      [
        ['日期', '类型'],
        ['2027-02-30', '放假'],
        ['2027-01-01', '调班'],
        ['2027-01-01', '放假'],
        ['2027-02-08', '上班'],
        ['2026-12-31', '放假'],
        ['', '放假'],
        ['2027-01-04', '出差'],
      ],
      2027,
      'c.csv',
    );
    expect(r.body).toBeUndefined();
    expect(r.errors).toEqual(
      expect.arrayContaining([
        {
          source: 'c.csv',
          row: 2,
          column: '日期',
          message: '无法识别的日期“2027-02-30”（应为 2027-01-01 这样的日期）',
        },
        expect.objectContaining({
          row: 4,
          column: '日期',
          message: expect.stringContaining('同一天不能既放假又上班'),
        }),
        { source: 'c.csv', row: 5, column: '日期', message: '调休上班日 2027-02-08 不是周六或周日' },
        { source: 'c.csv', row: 6, column: '日期', message: '2026-12-31 不在 2027 年内' },
        { source: 'c.csv', row: 7, column: '日期', message: '日期不能为空' },
        {
          source: 'c.csv',
          row: 8,
          column: '类型',
          message: '类型应为“放假”（休）或“上班”（班），不能是“出差”',
        },
      ]),
    );
  });

  it('wants the header', () => {
    expect(calendarYearFromRows([['2027-01-01', '放假']], 2027, 'c.csv').errors[0]).toMatchObject({
      row: 1,
      message: expect.stringContaining('“日期”和“类型”'),
    });
  });

  it('reads Excel serial days and date cells', () => {
    expect(dateFromCell(46424)).toBe('2027-02-06');
    expect(dateFromCell(20270206)).toBe('2027-02-06');
    expect(dateFromCell(new Date(Date.UTC(2027, 1, 6)))).toBe('2027-02-06');
    expect(dateFromCell('二〇二七年')).toBeUndefined();
  });
});

describe('calendar files: iCalendar', () => {
  it('expands DTSTART…DTEND (exclusive) and tells days off from make-up workdays', () => {
    const r = calendarYearFromIcs(
      ics(
        'DTSTART;VALUE=DATE:20270101\nDTEND;VALUE=DATE:20270104\nSUMMARY:元旦 假期',
        'DTSTART;VALUE=DATE:20270206\nDTEND;VALUE=DATE:20270207\nSUMMARY:春节 补班 第1天/共2天',
        // A summary folded over two lines; a feed that calls the workday just 调休.
        'DTSTART;VALUE=DATE:20270207\nSUMMARY:春节\n 调休',
        'DTSTART;VALUE=DATE:20261001\nDTEND;VALUE=DATE:20261008\nSUMMARY:国庆节 休',
        'DTSTART;VALUE=DATE:20270214\nSUMMARY:情人节',
      ),
      2027,
      'cn.ics',
    );
    expect(r.errors).toEqual([]);
    expect(r.body).toEqual({
      holidays: ['2027-01-01', '2027-01-02', '2027-01-03'],
      workdays: ['2027-02-06', '2027-02-07'],
      source: '中国节假日',
    });
    expect(r.holidays[0]).toMatchObject({ row: 5, column: 'DTSTART' });
  });

  it('names the line of a bad date, and says when the year is not there', () => {
    const bad = calendarYearFromIcs(ics('DTSTART;VALUE=DATE:2027013\nSUMMARY:休'), 2027, 'cn.ics');
    expect(bad.errors).toEqual([
      {
        source: 'cn.ics',
        row: 5,
        column: 'DTSTART',
        message: '无法识别的开始日期“2027013”（应为 YYYYMMDD）',
      },
    ]);
    const other = calendarYearFromIcs(ics('DTSTART;VALUE=DATE:20261001\nSUMMARY:休'), 2027, 'cn.ics');
    expect(other.errors[0]!.message).toBe('文件中没有2027年的放假或调休上班安排（文件含 2026 年）');
    expect(calendarYearFromIcs('hello', 2027, 'x.ics').errors[0]!.message).toContain('BEGIN:VCALENDAR');
  });

  it('reads UTC and local times as Beijing days', () => {
    const r = calendarYearFromIcs(
      ics('DTSTART:20261231T160000Z\nDTEND:20270101T160000Z\nSUMMARY:元旦 休'),
      2027,
      'cn.ics',
    );
    expect(r.body?.holidays).toEqual(['2027-01-01']);
  });
});

describe('calendar files: files and places', () => {
  const sheet = (name: string, rows: unknown[][]): CalendarSheetLike => ({
    name,
    rowCount: rows.length,
    columnCount: Math.max(...rows.map((r) => r.length)),
    getRow: (r) => ({
      getCell: (c) => {
        const value = rows[r - 1]?.[c - 1] ?? null;
        return { value, text: value === null ? '' : String(value) };
      },
    }),
  });

  it('reads the workbook’s calendar sheet, not its guide', async () => {
    const [guide, data] = calendarTemplate(2027);
    const r = await readCalendarFile({ name: '日历.xlsx', bytes: new Uint8Array() }, 2027, async () => [
      sheet(guide!.name, guide!.rows),
      sheet(data!.name, [
        ['日期', '类型'],
        [new Date(Date.UTC(2027, 0, 1)), '放假'],
        [{ formula: 'DATE(2027,2,6)', result: new Date(Date.UTC(2027, 1, 6)) }, '上班'],
      ]),
    ]);
    expect(r.source).toBe('日历.xlsx「工作日历」');
    expect(r.body).toEqual({ holidays: ['2027-01-01'], workdays: ['2027-02-06'] });
    expect(calendarFieldPlace(r, 'body.workdays.0')).toEqual({
      source: '日历.xlsx「工作日历」',
      row: 3,
      column: '日期',
    });
    expect(calendarFieldPlace(r, 'body.source')).toBeNull();
  });

  it('the template’s example rows are a valid year', () => {
    const [, data] = calendarTemplate(2027);
    expect(calendarYearFromRows(data!.rows, 2027, 't').errors).toEqual([]);
  });

  it('refuses other kinds of files', async () => {
    const r = await readCalendarFile({ name: 'a.pdf', bytes: new Uint8Array() }, 2027, () =>
      Promise.reject(new Error('no')),
    );
    expect(r.errors[0]!.message).toContain('只支持 .json、.xlsx、.csv 或 .ics');
  });
});
