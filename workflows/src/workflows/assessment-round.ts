import {
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import { CountyCode } from '@fivestar/contracts';
import type { Activities } from '../activities';
import {
  closeRoundUpdate,
  roundProgressQuery,
  type AssessmentRoundInput,
  type RoundProgress,
} from '@fivestar/contracts/workflow';
import { Emitter } from './emitter';
import { reject, requireActor } from './guard';

const { launchBranchPage } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute' },
});

/**
 * One county's round. Starts the branch workflows page by page through an idempotent launcher activity
 * (never thousands of children in one history), continuing as new every `pagesPerRun` pages, then stays
 * open until a coordinator closes the round.
 */
export async function assessmentRound(input: AssessmentRoundInput): Promise<RoundProgress> {
  CountyCode.parse(input.countyCode);
  const progress: RoundProgress = input.progress ?? {
    cursor: null,
    pages: 0,
    launched: 0,
    skipped: 0,
    launchDone: false,
    closed: false,
    eventSeq: 0,
    runs: 0,
  };
  progress.runs += 1;
  const emitter = new Emitter(
    { roundId: input.roundId, branchId: null, jurisdiction: input.countyCode },
    progress.eventSeq,
  );
  const sync = () => (progress.eventSeq = emitter.sequence);

  setHandler(roundProgressQuery, () => progress);
  setHandler(
    closeRoundUpdate,
    async ({ actor }) => {
      progress.closed = true;
      await emitter.emit('round.closed', { countyCode: input.countyCode, year: input.year }, actor);
      sync();
      return progress;
    },
    {
      validator: ({ actor }) => {
        requireActor(actor, 'coordinator', input.countyCode);
        if (!progress.launchDone) reject('Conflict', '支部尚未全部启动，暂不能结束本轮');
        if (progress.closed) reject('Conflict', '本轮已结束');
      },
    },
  );

  if (progress.pages === 0 && !progress.launchDone) {
    await emitter.emit('round.started', {
      title: input.title,
      year: input.year,
      countyCode: input.countyCode,
      catalogs: input.catalogs.map((c) => ({
        id: c.id,
        version: c.version,
        stars: c.stars.map((s) => ({ code: s.code, name: s.name })),
      })),
      ...(input.townshipCodes ? { townshipCodes: input.townshipCodes } : {}),
      ...(input.campaignId ? { campaignId: input.campaignId } : {}),
    });
    sync();
  }

  let pagesThisRun = 0;
  while (!progress.launchDone) {
    if (pagesThisRun >= input.pagesPerRun) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof assessmentRound>({ ...input, progress });
    }
    const page = await launchBranchPage({
      roundId: input.roundId,
      countyCode: input.countyCode,
      after: progress.cursor,
      limit: input.pageSize,
      townshipCodes: input.townshipCodes,
      catalogs: input.catalogs,
      schedule: input.schedule,
      // Absent from rounds without a template (and every round before them): their branches run the default.
      ...(input.chain ? { chain: input.chain } : {}),
    });
    await emitter.emit('round.page_launched', { page: progress.pages, started: page.started });
    Object.assign(progress, {
      pages: progress.pages + 1,
      launched: progress.launched + page.started,
      skipped: progress.skipped + page.skipped,
      cursor: page.next,
      launchDone: page.next === null,
    });
    sync();
    pagesThisRun += 1;
  }

  await condition(() => progress.closed);
  await condition(allHandlersFinished);
  return progress;
}
