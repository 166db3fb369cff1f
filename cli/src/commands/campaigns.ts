import {
  OpenCampaignRequest,
  RoundSchedule,
  type CampaignRoundsStarted,
  type CampaignView,
} from '@fivestar/contracts';
import type { Register } from '../context';
import { Exit } from '../exit';
import { readJson, validate } from '../files';
import { table } from '../output';
import { catalogArg, intArg } from './rounds';

const campaignLines = (c: CampaignView) => [
  `${c.campaignId} ${c.title}（${c.year}年度）`,
  `锁定的目录：${c.catalogs.map((k) => `${k.id} 第${k.version}版`).join('，') || '无'}`,
  `已启动轮次的县：${c.counties.withRound} / ${c.counties.total}`,
];

export const registerCampaigns: Register = (program, act) => {
  const campaigns = program.command('campaign').description('省级年度创建活动');

  campaigns
    .command('open')
    .description('开启本省的年度创建活动（锁定目录与期限安排）；须为省级专班')
    .requiredOption('--province <code>', '省级代码（2位）')
    .requiredOption('--year <year>', '年度', intArg)
    .requiredOption('--title <title>', '名称，如 五星支部创建')
    .option('--schedule <file>', '日程文件（JSON，RoundSchedule；默认系统默认日程）')
    .option('--catalog <id@version>', '锁定这一版目录，替换同类支部的现行目录（可重复）', catalogArg)
    .action(
      act(async ({ out, api }, opts) => {
        const schedule = opts.schedule
          ? validate(RoundSchedule, await readJson(opts.schedule), `日程文件 ${opts.schedule} 有误`)
          : undefined;
        const body = validate(
          OpenCampaignRequest,
          {
            provinceCode: opts.province,
            year: opts.year,
            title: opts.title,
            schedule,
            catalogs: opts.catalog,
          },
          '参数有误，未开启',
        );
        const opened = await (await api()).json<CampaignView>('POST', '/api/campaigns', { json: body });
        out.result(
          [...campaignLines(opened), `为各县启动轮次：fivestar campaign start-rounds ${opened.campaignId}`],
          opened,
        );
        return Exit.ok;
      }),
    );

  campaigns
    .command('start-rounds')
    .description('为各县启动创建活动下的轮次（默认尚未启动的全部县）；须为省级专班')
    .argument('<campaignId>', '创建活动编号，如 41-2026')
    .option('--county <codes>', '只为这些县启动（逗号分隔的6位代码）')
    .action(
      act(async ({ out, api }, opts, campaignId: string) => {
        const countyCodes = opts.county?.split(',').map((c: string) => c.trim());
        const done = await (
          await api()
        ).json<CampaignRoundsStarted>('POST', `/api/campaigns/${encodeURIComponent(campaignId)}/rounds`, {
          json: countyCodes ? { countyCodes } : {},
        });
        out.result(
          [
            ...table([
              ['县', '轮次', '结果'],
              ...done.started.map((r) => [r.countyCode, r.roundId, '已启动']),
              ...done.skipped.map((r) => [r.countyCode, r.roundId, '已有，未重复启动']),
            ]),
            `已启动 ${done.started.length} 个县的轮次，${done.skipped.length} 个县已有轮次`,
          ],
          done,
        );
        return Exit.ok;
      }),
    );

  campaigns
    .command('list')
    .description('本省的年度创建活动')
    .action(
      act(async ({ out, api }) => {
        const list = await (await api()).json<{ items: CampaignView[] }>('GET', '/api/campaigns');
        out.result(list.items.length ? list.items.flatMap(campaignLines) : ['尚未开启创建活动'], list);
        return Exit.ok;
      }),
    );
};
