import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Workbook } from 'exceljs';
import { calendarTemplate, type CalendarYearLoaded } from '@fivestar/contracts';
import { run } from '../program';
import { memoryIo } from '../testing/memory-io';

/** A stand-in API: answers the calendar routes as the real one does, and records what it was sent. */
type Handler = (req: IncomingMessage, body: string) => { status: number; json: unknown };

let dir: string;
let server: Server;
let base: string;
let handler: Handler;
const requests: { method: string; url: string; body: string }[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fivestar-cli-calendar-'));
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      requests.push({ method: req.method!, url: req.url!, body });
      const { status, json } = handler(req, body);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  requests.length = 0;
});

const cli = async (argv: string[]) => {
  const io = memoryIo({ HOME: dir, FIVESTAR_SERVER: base, FIVESTAR_TOKEN: 'fst_test' });
  const code = await run(argv, io);
  return { code, out: io.out(), err: io.err() };
};
const file = async (name: string, content: string) => {
  const p = path.join(dir, name);
  await writeFile(p, content);
  return p;
};

const loaded = (body: { holidays: string[]; workdays: string[] }, dryRun: boolean): CalendarYearLoaded => ({
  calendarId: 'cn-mainland',
  year: 2027,
  dryRun,
  version: 1,
  revision: 4,
  changed: true,
  holidays: body.holidays,
  workdays: body.workdays,
  periods: [{ from: '2027-01-01', to: '2027-01-03', days: 3 }],
  workingDays: 250,
  diff: {
    holidaysAdded: body.holidays,
    holidaysRemoved: [],
    workdaysAdded: body.workdays,
    workdaysRemoved: [],
  },
  replanWorkflowId: dryRun ? null : 'calendar-replan-cn-mainland-2027-4',
});

const ok: Handler = (req, body) => ({
  status: 200,
  json: loaded(JSON.parse(body), req.url!.includes('dryRun=true')),
});

describe('fivestar calendar load', () => {
  it('a workbook in the template: previewed by the server, its breaks and differences printed', async () => {
    handler = ok;
    const workbook = new Workbook();
    for (const sheet of calendarTemplate(2027)) workbook.addWorksheet(sheet.name).addRows(sheet.rows);
    // A date cell, as Excel keeps a typed date.
    workbook.getWorksheet('工作日历')!.addRow([new Date(Date.UTC(2027, 0, 3)), '休']);
    const xlsx = path.join(dir, '日历.xlsx');
    await workbook.xlsx.writeFile(xlsx);
    const r = await cli(['calendar', 'load', xlsx, '--year', '2027', '--dry-run']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(requests.map((q) => q.url)).toEqual(['/api/calendars/cn-mainland/years/2027?dryRun=true']);
    expect(JSON.parse(requests[0]!.body)).toEqual({
      holidays: ['2027-01-01', '2027-01-03'],
      workdays: ['2027-01-02'],
    });
    expect(r.out).toContain('试运行（未保存）：cn-mainland 2027年将保存为第1版，全年工作日 250 天。');
    // The server's breaks, as it answered them.
    expect(r.out).toContain('2027-01-01  2027-01-03  3');
    expect(r.out).toContain('与现行版本相比：新增放假 2027-01-01、2027-01-03；新增调休上班 2027-01-02');
  });

  it('an .ics feed is loaded, and the re-planning said to have started', async () => {
    handler = ok;
    const ics = await file(
      'cn.ics',
      [
        'BEGIN:VCALENDAR',
        'BEGIN:VEVENT',
        'DTSTART;VALUE=DATE:20270101',
        'DTEND;VALUE=DATE:20270104',
        'SUMMARY:元旦 休',
        'END:VEVENT',
        'END:VCALENDAR',
      ].join('\r\n'),
    );
    const r = await cli(['calendar', 'load', ics, '--year', '2027', '--json']);
    expect(r.code).toBe(0);
    expect(requests[0]!.url).toContain('dryRun=false');
    expect(JSON.parse(r.out)).toMatchObject({
      version: 1,
      replanWorkflowId: 'calendar-replan-cn-mainland-2027-4',
    });
    const human = await cli(['calendar', 'load', ics, '--year', '2027']);
    expect(human.out).toContain('已开始重新计算暂按工作日计算的期限');
  });

  it('a bad file is named by file, row and column, and nothing is sent (2)', async () => {
    const csv = await file('c.csv', '日期,类型\n2027-01-01,放假\n2027-01-02,出差\n');
    const r = await cli(['calendar', 'load', csv, '--year', '2027', '--json']);
    expect(r.code).toBe(2);
    expect(requests).toEqual([]);
    expect(JSON.parse(r.out).errors).toEqual([
      { field: 'c.csv:3:类型', message: '类型应为“放假”（休）或“上班”（班），不能是“出差”' },
    ]);
    const json = await file('y.json', '{\n  "holidays": [\n');
    const bad = await cli(['calendar', 'load', json, '--year', '2027']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/y\.json 不是有效的 JSON（第 3 行/);
    expect((await cli(['calendar', 'load', csv, '--year', '1999'])).err).toContain('--year：');
  });

  it('the server’s refusal of a dry run points at the file’s row (1)', async () => {
    handler = () => ({
      status: 400,
      json: {
        type: 'about:blank',
        title: '请求参数无效',
        status: 400,
        errors: [{ field: 'body.workdays.0', message: '调休上班日 2027-01-09 与通知不符' }],
      },
    });
    const csv = await file('w.csv', '日期,类型\n2027-01-01,放假\n2027-01-09,上班\n');
    const r = await cli(['calendar', 'load', csv, '--year', '2027', '--dry-run']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('w.csv:3:日期：调休上班日 2027-01-09 与通知不符');
  });
});

describe('fivestar calendar show', () => {
  it('lists the years with their versions, and one year’s breaks', async () => {
    handler = () => ({
      status: 200,
      json: {
        id: 'cn-mainland',
        revision: 2,
        years: [
          {
            year: 2026,
            holidays: ['2026-01-01', '2026-01-02', '2026-01-03'],
            workdays: ['2026-01-04'],
            source: '国办发明电〔2025〕7号',
            version: 0,
            loadedBy: null,
            loadedAt: null,
          },
          {
            year: 2027,
            holidays: ['2027-01-01'],
            workdays: [],
            source: null,
            version: 2,
            loadedBy: 'admin-411099',
            loadedAt: '2026-12-01T02:00:00.000Z',
          },
        ],
      },
    });
    const r = await cli(['calendar', 'show']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('随软件发布');
    expect(r.out).toContain('admin-411099 2026-12-01 10:00');
    const one = await cli(['calendar', 'show', '--year', '2026']);
    expect(one.out).toContain('2026-01-01  2026-01-03  3');
    expect((await cli(['calendar', 'show', '--year', '2030'])).code).toBe(2);
  });
});
