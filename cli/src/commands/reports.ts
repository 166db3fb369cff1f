import { CountyCode, Period, type RankingResult } from '@fivestar/contracts';
import { Option } from 'commander';
import type { Register } from '../context';
import { writeOutput, validate } from '../files';
import { table } from '../output';

const MOVEMENT: Record<string, string> = { up: '↑', down: '↓', same: '—', new: '新' };

export function rankingLines(r: RankingResult): string[] {
  const round = r.round
    ? `${r.round.title ?? r.round.id}（${r.round.id}）`
    : '尚无轮次（各支部最近一次授星）';
  const c = r.county;
  return [
    `${c.name}（${c.code}）星级排名：${round}${r.frozen ? '，已定格' : ''}`,
    `支部 ${c.branches} 个，累计创星 ${c.totalStars}，平均 ${c.averageStars} 星，三星以上占比 ${c.threeStarsOrMoreShare}`,
    ...table([
      ['名次', '乡镇', '支部数', '累计创星', '三星以上占比', '变化'],
      ...r.townships.map((t) => [
        String(t.rank),
        `${t.name}（${t.code}）`,
        String(t.branches),
        String(t.totalStars),
        t.threeStarsOrMoreShare,
        t.rankMovement ? MOVEMENT[t.rankMovement]! : '',
      ]),
    ]),
    ...table([
      ['名次', '支部', '星级', '变化'],
      ...r.branches.map((b) => [
        String(b.rank),
        `${b.name}（${b.code}）`,
        b.withdrawn ? '未参加' : `${b.level}星`,
        MOVEMENT[b.movement]!,
      ]),
    ]),
  ];
}

const output = () => new Option('-o, --output <file>', '写入的文件').makeOptionMandatory();

export const registerReports: Register = (program, act) => {
  program
    .command('ledger')
    .description('台账')
    .command('export')
    .description('导出轮次台账（Excel 或 CSV）')
    .requiredOption('--round <id>', '轮次编号')
    .option('--scope <code>', '辖区代码（默认本人辖区）')
    .addOption(new Option('--format <format>', '文件格式').choices(['xlsx', 'csv']).makeOptionMandatory())
    .addOption(output())
    .action(
      act(async ({ out, api }, opts) => {
        const file = await (
          await api()
        ).download('/api/ledger', {
          roundId: opts.round,
          scope: opts.scope,
          format: opts.format,
        });
        await writeOutput(opts.output, file.bytes);
        out.result(`已导出台账到 ${opts.output}（${file.bytes.length} 字节）`, {
          file: opts.output,
          bytes: file.bytes.length,
          contentType: file.contentType,
        });
      }),
    );

  program
    .command('rankings')
    .description('排名')
    .command('show')
    .description('显示县内乡镇与支部的星级排名')
    .requiredOption('--county <code>', '县级代码（6位）')
    .option('--round <id>', '轮次编号（默认最近年度的轮次）')
    .option('--township <code>', '只看一个乡镇（9位代码）')
    .action(
      act(async ({ out, api }, opts) => {
        const countyCode = validate(CountyCode, opts.county, '参数有误', { '': '--county' });
        const r = await (
          await api()
        ).json<RankingResult>('GET', '/api/rankings', {
          query: { countyCode, roundId: opts.round, townshipCode: opts.township },
        });
        out.result(rankingLines(r), r);
      }),
    );

  program
    .command('bulletins')
    .description('通报')
    .command('export')
    .description('导出某县某月的通报（HTML、Excel 或 JSON）')
    .requiredOption('--county <code>', '县级代码（6位）')
    .requiredOption('--period <YYYY-MM>', '月份')
    .addOption(
      new Option('--format <format>', '文件格式').choices(['html', 'xlsx', 'json']).makeOptionMandatory(),
    )
    .addOption(output())
    .action(
      act(async ({ out, api }, opts) => {
        const county = validate(CountyCode, opts.county, '参数有误', { '': '--county' });
        const period = validate(Period, opts.period, '参数有误', { '': '--period' });
        const file = await (
          await api()
        ).download(`/api/bulletins/${county}/${period}`, { format: opts.format });
        const bytes =
          opts.format === 'json'
            ? Buffer.from(`${JSON.stringify(JSON.parse(file.bytes.toString('utf8')), null, 2)}\n`)
            : file.bytes;
        await writeOutput(opts.output, bytes);
        out.result(`已导出 ${county} ${period} 通报到 ${opts.output}（${bytes.length} 字节）`, {
          file: opts.output,
          bytes: bytes.length,
          contentType: file.contentType,
        });
      }),
    );
};
