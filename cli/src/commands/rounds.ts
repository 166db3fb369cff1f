import type { z } from 'zod';
import {
  RoundSchedule,
  RoundStarted,
  STEP_LABELS,
  StartRoundRequest,
  type CountyTownships,
  type RoundProgressResult,
  type RoundView,
  type Step,
} from '@fivestar/contracts';
import { InvalidArgumentError, Option } from 'commander';
import type { Api } from '../client';
import type { Register } from '../context';
import { readJson, validate } from '../files';
import { table } from '../output';
import { progressBar } from '../progress';

/** A whole number argument (commander hands strings). */
export function intArg(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('应为整数');
  return Number(value);
}

/** `rural-411099@2`: a catalog version to pin (commander hands strings; repeated flags collect). */
export function catalogArg(value: string, earlier: { id: string; version: number }[] = []) {
  const m = /^([a-z0-9-]{1,40})@(\d+)$/.exec(value);
  if (!m) throw new InvalidArgumentError('应为 目录标识@版本号，如 rural-411099@2');
  return [...earlier, { id: m[1]!, version: Number(m[2]) }];
}

/** Request fields as the flags that give them, so an error names what the user typed. */
const FLAG_OF: Record<string, string> = {
  roundId: '--round-id',
  countyCode: '--county',
  year: '--year',
  title: '--title',
  townshipCodes: '--townships',
  catalogs: '--catalog',
};

export function progressLines(round: RoundView, p: RoundProgressResult): string[] {
  const launch = round.progress.closed ? '已关闭' : round.progress.launchDone ? '启动完成' : '正在启动';
  const steps = Object.entries(p.byStep).filter(([, n]) => n > 0) as [Step, number][];
  return [
    `${round.title}（${round.roundId}，${round.countyCode}，${round.year}年）：${launch}，已启动 ${round.progress.launched} 个支部${round.progress.skipped ? `，跳过 ${round.progress.skipped} 个` : ''}`,
    `范围：${round.townshipCodes ? `乡镇 ${round.townshipCodes.join('、')}` : '全县'}；目录：${round.catalogs.map((c) => `${c.id} 第${c.version}版`).join('，')}`,
    `支部 ${p.total} 个：进行中 ${p.byStatus.active}，已办结 ${p.byStatus.closed}，退出 ${p.byStatus.withdrawn}`,
    ...table([['环节', '支部数'], ...steps.map(([s, n]) => [STEP_LABELS[s], String(n)])]),
    ...table([
      ['乡镇', '支部数', '进行中', '已办结', '逾期'],
      ...p.townships.map((t) => [
        t.townshipCode,
        String(t.total),
        String(t.byStatus.active),
        String(t.byStatus.closed),
        String(t.overdue),
      ]),
    ]),
  ];
}

/** Branches the launcher will start: those of the round's townships in the directory (null if unknown). */
async function branchesOf(api: Api, round: RoundView): Promise<number | null> {
  try {
    const { items } = await api.json<CountyTownships>('GET', `/api/counties/${round.countyCode}/townships`);
    const inRound = round.townshipCodes && new Set(round.townshipCodes);
    return items.filter((t) => !inRound || inRound.has(t.code)).reduce((n, t) => n + t.branches, 0);
  } catch {
    return null;
  }
}

export const registerRounds: Register = (program, act) => {
  const rounds = program.command('rounds').description('创建轮次');

  rounds
    .command('start')
    .description('按日程文件启动本县的创建轮次（先在本地按合同检查日程文件）')
    .requiredOption('--county <code>', '县级代码（6位）')
    .requiredOption('--year <year>', '年度', intArg)
    .requiredOption('--title <title>', '轮次名称')
    .requiredOption('--schedule <file>', '日程文件（JSON，RoundSchedule）')
    .option('--round-id <id>', '轮次编号（默认 <县级代码>-<年度>）')
    .option('--townships <codes>', '只含这些乡镇的支部（逗号分隔的9位代码；默认全县）')
    .option('--catalog <id@version>', '锁定这一版目录，替换同类支部的现行目录（可重复）', catalogArg)
    .action(
      act(async ({ out, api }, opts) => {
        const file: string = opts.schedule;
        const schedule = validate(RoundSchedule, await readJson(file), `日程文件 ${file} 有误，未启动轮次`);
        const body = validate(
          StartRoundRequest,
          {
            roundId: opts.roundId ?? `${opts.county}-${opts.year}`,
            countyCode: opts.county,
            year: opts.year,
            title: opts.title,
            schedule,
            townshipCodes: opts.townships?.split(',').map((c: string) => c.trim()),
            catalogs: opts.catalog,
          },
          '参数有误，未启动轮次',
          FLAG_OF,
        );
        const started = await (
          await api()
        ).json<z.infer<typeof RoundStarted>>('POST', '/api/rounds', { json: body });
        const provisional = started.provisionalYears ?? [];
        out.result(
          [
            `已启动轮次 ${started.roundId}（工作流 ${started.workflowId}）`,
            `锁定的目录：${started.catalogs.map((c) => `${c.id} 第${c.version}版`).join('，') || '无'}`,
            ...(provisional.length
              ? [
                  `本轮${provisional.join('、')}年的期限暂按工作日计算，待管理员加载该年日历（fivestar calendar load）后自动重新计算`,
                ]
              : []),
            `查看进度：fivestar rounds progress ${started.roundId} --watch`,
          ],
          started,
        );
      }),
    );

  rounds
    .command('progress')
    .description('轮次进度：启动情况、各环节与各乡镇的支部数')
    .argument('<roundId>', '轮次编号')
    .option('--watch', '等到轮次启动完成（终端上显示进度条）')
    .addOption(new Option('--interval <seconds>', '--watch 的刷新间隔（秒）').default(2).argParser(intArg))
    .action(
      act(async ({ io, out, api }, opts, roundId) => {
        const client = await api();
        const path = `/api/rounds/${encodeURIComponent(roundId!)}`;
        let round = await client.json<RoundView>('GET', path);
        if (opts.watch && !round.progress.launchDone) {
          const total = await branchesOf(client, round);
          const bar = progressBar(io, '启动支部');
          try {
            while (!round.progress.launchDone && !round.progress.closed) {
              bar.update(round.progress.launched, Math.max(total ?? 0, round.progress.launched));
              await new Promise((r) => setTimeout(r, opts.interval * 1000));
              round = await client.json<RoundView>('GET', path);
            }
            bar.update(round.progress.launched, Math.max(total ?? 0, round.progress.launched));
          } finally {
            bar.stop();
          }
        }
        const progress = await client.json<RoundProgressResult>('GET', `${path}/progress`);
        out.result(progressLines(round, progress), { round, progress });
      }),
    );
};
