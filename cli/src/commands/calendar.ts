import path from 'node:path';
import { Option } from 'commander';
import {
  calendarFieldPlace,
  CalendarYearPath,
  DEFAULT_CALENDAR_ID,
  formatBeijingTime,
  holidayPeriods,
  readCalendarFile,
  type CalendarFileResult,
  type CalendarView,
  type CalendarYearLoaded,
  type HolidayPeriod,
} from '@fivestar/contracts';
import type { Register } from '../context';
import { CliError, Exit, type FieldError } from '../exit';
import { parseJson, readInput, validate } from '../files';
import { table } from '../output';
import { loadWorkbook } from '../workbook';
import { place } from './directory';
import { intArg } from './rounds';

const versionText = (v: number) => (v === 0 ? '随软件发布' : `第${v}版`);

export function calendarLines(view: CalendarView): string[] {
  return [
    `工作日历 ${view.id}（修订 ${view.revision}）`,
    ...table([
      ['年份', '版本', '放假', '调休上班', '来源', '加载'],
      ...[...view.years]
        .sort((a, b) => a.year - b.year)
        .map((y) => [
          String(y.year),
          versionText(y.version),
          `${y.holidays.length} 天（${holidayPeriods(y.holidays).length} 段）`,
          y.workdays.join('、') || '—',
          y.source ?? '—',
          y.loadedBy ? `${y.loadedBy} ${y.loadedAt ? formatBeijingTime(y.loadedAt) : ''}`.trim() : '—',
        ]),
    ]),
  ];
}

/** A year's breaks (consecutive days off) and make-up workdays. */
function breakLines(periods: HolidayPeriod[], workdays: string[]): string[] {
  return [
    '节假日：',
    ...table([['起', '止', '天数'], ...periods.map((p) => [p.from, p.to, String(p.days)])]).map(
      (l) => `  ${l}`,
    ),
    `调休上班日：${workdays.join('、') || '无'}`,
  ];
}

const DIFF_LABELS: Record<keyof CalendarYearLoaded['diff'], string> = {
  holidaysAdded: '新增放假',
  holidaysRemoved: '取消放假',
  workdaysAdded: '新增调休上班',
  workdaysRemoved: '取消调休上班',
};

/** A load (or its dry run) as the console shows it: summary, breaks, make-up workdays, the difference. */
export function loadedLines(r: CalendarYearLoaded): string[] {
  const changes = (Object.keys(DIFF_LABELS) as (keyof CalendarYearLoaded['diff'])[]).filter(
    (k) => r.diff[k].length > 0,
  );
  const summary = r.dryRun
    ? r.changed
      ? `试运行（未保存）：${r.calendarId} ${r.year}年将保存为第${r.version}版，全年工作日 ${r.workingDays} 天。`
      : `试运行（未保存）：${r.calendarId} ${r.year}年与现行的第${r.version}版相同，加载不会改变任何内容。`
    : r.changed
      ? `已加载：${r.calendarId} ${r.year}年现为第${r.version}版，全年工作日 ${r.workingDays} 天。`
      : `${r.calendarId} ${r.year}年与现行的第${r.version}版相同，未改变。`;
  return [
    summary,
    ...breakLines(r.periods, r.workdays),
    changes.length
      ? `与现行版本相比：${changes.map((k) => `${DIFF_LABELS[k]} ${r.diff[k].join('、')}`).join('；')}`
      : '与现行版本相比：无差异',
    ...(r.replanWorkflowId ? [`已开始重新计算暂按工作日计算的期限（任务 ${r.replanWorkflowId}）。`] : []),
  ];
}

/** A refusal's fields placed in the file where they were read (`日历.xlsx「工作日历」:3:日期`). */
function inFile(err: CliError, read: CalendarFileResult): CliError {
  const errors: FieldError[] = err.errors.map((e) => {
    const where = calendarFieldPlace(read, e.field);
    return where ? { field: place(where), message: e.message } : e;
  });
  return new CliError(err.exitCode, err.message, errors);
}

export const registerCalendar: Register = (program, act) => {
  const calendar = program.command('calendar').description('工作日历（法定节假日与调休上班日）');
  const calendarOption = () => new Option('--calendar <id>', '日历标识').default(DEFAULT_CALENDAR_ID);

  calendar
    .command('show')
    .description('工作日历已有的年份：版本（随软件发布或第几次加载）、放假天数、调休上班日、来源')
    .addOption(calendarOption())
    .option('--year <year>', '只看这一年：各段假期与调休上班日', intArg)
    .action(
      act(async ({ out, api }, opts) => {
        const view = await (
          await api()
        ).json<CalendarView>('GET', `/api/calendars/${encodeURIComponent(opts.calendar)}`);
        if (opts.year === undefined) {
          out.result(calendarLines(view), view);
          return;
        }
        const year = view.years.find((y) => y.year === opts.year);
        if (!year)
          throw new CliError(Exit.badInput, `工作日历 ${view.id} 还没有 ${opts.year} 年的节假日安排`, [
            { field: '--year', message: `已有：${view.years.map((y) => y.year).join('、') || '无'}` },
          ]);
        out.result(
          [
            `${view.id} ${year.year}年（${versionText(year.version)}，来源：${year.source ?? '—'}）`,
            ...breakLines(holidayPeriods(year.holidays), year.workdays),
          ],
          year,
        );
      }),
    );

  calendar
    .command('load')
    .description(
      '加载一年的节假日安排（Excel 模板 .xlsx、.ics 日历订阅文件、.json 或 .csv），暂按工作日计算的期限随即重新计算',
    )
    .argument(
      '<file>',
      '.xlsx（日期 | 类型：放假/上班）、.ics、.json（{holidays, workdays, source?}）或 .csv',
    )
    .requiredOption('--year <year>', '年份', intArg)
    .addOption(calendarOption())
    .option('--dry-run', '由服务器预览（各段假期、调休上班日、与现行版本的差异），不保存')
    .action(
      act(async ({ out, api }, opts, file) => {
        const { calendarId, year } = validate(
          CalendarYearPath,
          { calendarId: opts.calendar, year: opts.year },
          '参数有误，未加载',
          { calendarId: '--calendar', year: '--year' },
        );
        const bytes = await readInput(file!);
        // A JSON syntax error is named with its line and column.
        if (file!.toLowerCase().endsWith('.json')) parseJson(bytes.toString('utf8'), file!);
        const read = await readCalendarFile({ name: path.basename(file!), bytes }, year, loadWorkbook);
        if (!read.body) {
          const errors = read.errors.map((e) => ({ field: place(e), message: e.message }));
          throw new CliError(Exit.badInput, `日历文件有误，未加载（${errors.length} 处）`, errors);
        }
        let result: CalendarYearLoaded;
        try {
          result = await (
            await api()
          ).json<CalendarYearLoaded>(
            'POST',
            `/api/calendars/${encodeURIComponent(calendarId)}/years/${year}`,
            {
              query: { dryRun: opts.dryRun ? 'true' : 'false' },
              json: read.body,
            },
          );
        } catch (err) {
          if (!(err instanceof CliError)) throw err;
          const placed = inFile(err, read);
          // What a dry run looks for is the data's errors: the check failed (1), not the usage (2).
          if (opts.dryRun && placed.exitCode === Exit.badInput)
            throw new CliError(Exit.checkFailed, `试运行发现错误，未加载：${placed.message}`, placed.errors);
          throw placed;
        }
        out.result(loadedLines(result), result);
      }),
    );
};
