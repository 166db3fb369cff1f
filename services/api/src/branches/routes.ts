import { Router, type Request, type Response } from 'express';
import type { UpdateDefinition } from '@temporalio/client';
import {
  BranchPath,
  BulkUrgeBody,
  CloseObservation,
  ConfirmAward,
  DecideExtension,
  DecideRevocation,
  UpholdObjection,
  RequestExtension,
  Urge,
  FindingPath,
  RecordObservation,
  Review,
  RoundPath,
  BulkUrgeResult,
  CommandAccepted,
  CommandPath,
  FindingCommandPath,
  commandRoles,
  mayCommand,
  SubmitRectificationEvidence,
  SubmitSelfCheck,
  VerifyRectification,
  type Actor,
  type Branch,
  type BranchCommand,
  type BulkUrgeItem,
} from '@fivestar/contracts';
import {
  branchStateQuery,
  branchWorkflowId,
  closeObservationUpdate,
  decideRevocationUpdate,
  upholdObjectionUpdate,
  confirmAwardUpdate,
  decideExtensionUpdate,
  requestExtensionUpdate,
  urgeUpdate,
  rectificationStateQuery,
  rectificationWorkflowId,
  recordObservationUpdate,
  reviewUpdate,
  submitEvidenceUpdate,
  submitSelfCheckUpdate,
  verifyRectificationUpdate,
} from '@fivestar/contracts/workflow';
import type { z } from 'zod';
import { callEndpoint, mapLimited } from '@fivestar/platform';
import { actorOf } from '../identity/authenticate';
import type { ApiDeps } from '../gateway/deps';
import { branchOfPath, visibleBranch } from '../directory/branch-of-path';
import { missingEvidenceUploads } from '../evidence';
import { badRequest, forbidden, Problem } from '../gateway/problem';
import { requestSignal } from '../gateway/lifetime';
import { viaTemporal } from '../gateway/temporal';
import { commandIdOf, commandOutcome, runCommand, type CommandOutcome } from './commands';
import { route } from '../gateway/routing';

/** The branch a command is about, in its round (and the rectification item, if any), and who commands. */
type Target = { roundId: string; code: string; findingId?: string; branch: Branch; actor: Actor };

/** Urges of many branches run at most this many Updates at once (the Temporal client is shared). */
const BULK_URGE_CONCURRENCY = 8;

/** Role and jurisdiction are checked here, before anything reaches Temporal (the workflow checks again). */
function authorise(actor: Actor, branch: Branch, command: BranchCommand): void {
  if (!mayCommand(actor, branch, command)) throw forbidden('您无权办理该支部的此环节');
}

const tags = ['branches'];
const inBranch = { in: 'path', name: 'code', level: 'branch' } as const;
const UNKNOWN = '轮次或支部不存在';

/**
 * The self-check route's precheck: every `body.evidence.<i>.sha256` must be a file this branch uploaded
 * in this round, or the submission is a 400 naming each offending item.
 */
function citedUploadsPrecheck(db: ApiDeps['db']) {
  return async (t: { roundId: string; code: string }, body: unknown): Promise<void> => {
    const cited = (body as { evidence?: unknown } | null)?.evidence;
    if (!Array.isArray(cited) || cited.length === 0) return;
    const shas = cited.map((e) => String((e as { sha256?: unknown } | null)?.sha256 ?? ''));
    const missing = new Set(await missingEvidenceUploads(db, t.roundId, t.code, shas));
    if (missing.size === 0) return;
    const errors = shas.flatMap((sha, i) =>
      missing.has(sha)
        ? [
            {
              field: `body.evidence.${i}.sha256`,
              message: `本支部在本轮次中没有上传过该文件（${sha}），请先上传`,
            },
          ]
        : [],
    );
    throw badRequest(`${errors.length}项佐证材料未在本轮次上传`, errors);
  };
}

export function branchRoutes(deps: ApiDeps): Router {
  const r = Router();

  /**
   * What a sign-off does once its branch is known and its body parsed: authorise, then run the workflow
   * Update with the actor. Throws a Problem (what the route answers).
   */
  function signOffAction<S extends z.ZodType, R, A extends object = object>(
    command: BranchCommand,
    update: UpdateDefinition<R, [z.infer<S> & { actor: Actor } & A]>,
    workflowOf: (t: Target) => string,
    /** Checks against the API's own data before Temporal (e.g. cited evidence was uploaded). */
    precheck?: (t: Target, body: z.infer<S>) => Promise<void>,
    /** Arguments taken from the path rather than the body. */
    fromPath?: (t: Target) => A,
  ) {
    return async (t: Target, req: Request, body: z.infer<S>): Promise<CommandOutcome<R>> => {
      authorise(t.actor, t.branch, command);
      const commandId = commandIdOf(t.actor.userId, req.get('idempotency-key'));
      if (precheck) await precheck(t, body);
      const workflowId = workflowOf(t);
      const args = { ...(body as object), ...fromPath?.(t), actor: t.actor } as z.infer<S> & {
        actor: Actor;
      } & A;
      const outcome = await runCommand(
        deps.temporal,
        requestSignal(req),
        workflowId,
        update,
        [args],
        commandId,
        deps.requestBoundMs,
      );
      req.log.info({ workflowId, update: update.name, commandId, status: outcome.status }, 'sign-off taken');
      return outcome;
    };
  }

  /** A sign-off route: the branch (and item) from the path, the action on the request's body. */
  function signOff<S extends z.ZodType, R, A extends object = object>(
    decl: { path: string; operationId: string; summary: string; body: S },
    ...action: Parameters<typeof signOffAction<S, R, A>>
  ) {
    const act = signOffAction(...action);
    const item = decl.path.includes(':findingId');
    route(
      r,
      {
        ...decl,
        method: 'post',
        tags,
        access: commandRoles(action[0]),
        scope: inBranch,
        params: item ? FindingPath : BranchPath,
        responses: {
          200: '办理后的流程状态',
          202: CommandAccepted,
          404: UNKNOWN,
          409: '当前环节不允许此操作',
          503: '流程引擎未在时限内受理，可稍后以同一 Idempotency-Key 重新提交',
        },
      },
      async ({ params, body }, req, res) => {
        const t = await branchOfPath(deps.db, params, actorOf(req));
        answer(res, commandsPath(t), await act(t, req, body as z.infer<S>));
      },
    );
  }

  /** Where a command's outcome is asked for again: under its branch, or its finding. */
  const commandsPath = (t: { roundId: string; code: string; findingId?: string }) =>
    `/api/rounds/${t.roundId}/branches/${t.code}${t.findingId ? `/findings/${t.findingId}` : ''}/commands`;
  /** 200 with the command's answer, or 202 with where to ask for it (Location). */
  function answer<R>(res: Response, base: string, outcome: CommandOutcome<R>): void {
    if (outcome.status === 'completed') {
      res.json(outcome.result);
      return;
    }
    const location = `${base}/${encodeURIComponent(outcome.commandId)}`;
    res
      .status(202)
      .location(location)
      .json({ status: 'accepted', commandId: outcome.commandId, location } satisfies CommandAccepted);
  }

  const branchWf = (t: { roundId: string; code: string }) => branchWorkflowId(t.roundId, t.code);
  const findingWf = (t: Target) => rectificationWorkflowId(t.roundId, t.code, t.findingId!);
  const base = '/rounds/:roundId/branches/:code';
  // A self-check or a rectification cites files by sha256: each must be this branch's upload in this round.
  const citedUploads = citedUploadsPrecheck(deps.db);

  signOff(
    {
      path: `${base}/self-check`,
      operationId: 'submitSelfCheck',
      summary: '提交支部自评（引用已上传的佐证材料）',
      body: SubmitSelfCheck,
    },
    'submitSelfCheck',
    submitSelfCheckUpdate,
    branchWf,
    citedUploads,
  );
  signOff(
    {
      path: `${base}/review`,
      operationId: 'review',
      summary: '审核：乡镇审核、县级预审、市复核或省抽查',
      body: Review,
    },
    'review',
    reviewUpdate,
    branchWf,
  );
  signOff(
    {
      path: `${base}/observation`,
      operationId: 'recordObservation',
      summary: '观摩评分',
      body: RecordObservation,
    },
    'recordObservation',
    recordObservationUpdate,
    branchWf,
  );
  signOff(
    {
      path: `${base}/observation/close`,
      operationId: 'closeObservation',
      summary: '结束观摩',
      body: CloseObservation,
    },
    'closeObservation',
    closeObservationUpdate,
    branchWf,
  );
  signOff(
    {
      path: `${base}/award`,
      operationId: 'confirmAward',
      summary: '确认评定结果（由命名该星级的专班确认）',
      body: ConfirmAward,
    },
    'confirmAward',
    confirmAwardUpdate,
    branchWf,
  );
  signOff(
    {
      path: `${base}/objection`,
      operationId: 'upholdObjection',
      summary: '公示异议成立：退回环节',
      body: UpholdObjection,
    },
    'upholdObjection',
    upholdObjectionUpdate,
    branchWf,
  );
  signOff(
    {
      path: `${base}/revocations/:findingId/decision`,
      operationId: 'decideRevocation',
      summary: '决定是否摘星',
      body: DecideRevocation,
    },
    'decideRevocation',
    decideRevocationUpdate,
    branchWf,
    undefined,
    (t) => ({ findingId: t.findingId! }),
  );
  signOff(
    {
      path: `${base}/findings/:findingId/evidence`,
      operationId: 'submitRectificationEvidence',
      summary: '提交整改材料',
      body: SubmitRectificationEvidence,
    },
    'submitEvidence',
    submitEvidenceUpdate,
    findingWf,
    citedUploads,
  );
  signOff(
    {
      path: `${base}/findings/:findingId/verify`,
      operationId: 'verifyRectification',
      summary: '核验整改',
      body: VerifyRectification,
    },
    'verifyRectification',
    verifyRectificationUpdate,
    findingWf,
  );

  // Urges (催办) and extensions (延期) of the open step or of a rectification item.
  for (const { prefix, workflowOf, of, ids } of [
    {
      prefix: base,
      workflowOf: branchWf,
      of: '当前环节',
      ids: { urge: 'urgeBranch', request: 'requestExtension', decide: 'decideExtension' },
    },
    {
      prefix: `${base}/findings/:findingId`,
      workflowOf: findingWf,
      of: '整改事项',
      ids: { urge: 'urgeFinding', request: 'requestFindingExtension', decide: 'decideFindingExtension' },
    },
  ] as const) {
    signOff(
      { path: `${prefix}/urge`, operationId: ids.urge, summary: `催办${of}`, body: Urge },
      'urge',
      urgeUpdate,
      workflowOf,
    );
    signOff(
      {
        path: `${prefix}/extension`,
        operationId: ids.request,
        summary: `申请${of}延期`,
        body: RequestExtension,
      },
      'requestExtension',
      requestExtensionUpdate,
      workflowOf,
    );
    signOff(
      {
        path: `${prefix}/extension/decision`,
        operationId: ids.decide,
        summary: `审批${of}延期申请`,
        body: DecideExtension,
      },
      'decideExtension',
      decideExtensionUpdate,
      workflowOf,
    );
  }

  /**
   * 批量催办: the open step of many branches, each exactly as its single urge route would (same checks,
   * same Update, the workflow's rate limit), a few at a time; one failing never stops the others. The
   * answer lists each branch with the status its single route would have answered.
   */
  const urgeBranch = signOffAction('urge', urgeUpdate, branchWf);
  route(
    r,
    {
      method: 'post',
      path: '/rounds/:roundId/urge',
      operationId: 'bulkUrge',
      summary: '批量催办多个支部的当前环节',
      tags,
      access: commandRoles('urge'),
      // Each branch is checked on its own: one outside answers 403 in its item, not for the request.
      scope: { in: 'body', name: 'branchIds', level: 'branch' },
      params: RoundPath,
      body: BulkUrgeBody,
      responses: { 200: BulkUrgeResult },
    },
    async ({ params: { roundId }, body: { branchIds, ...body } }, req, res) => {
      const actor = actorOf(req);
      const items = await mapLimited(
        [...new Set(branchIds)],
        BULK_URGE_CONCURRENCY,
        async (branchId): Promise<BulkUrgeItem> => {
          try {
            const outcome = await urgeBranch(
              await branchOfPath(deps.db, { roundId, code: branchId }, actor),
              req,
              body,
            );
            if (outcome.status === 'accepted') return { branchId, status: 202, lastUrgedAt: null };
            return { branchId, status: 200, lastUrgedAt: outcome.result.lastUrgedAt };
          } catch (err) {
            const p = err instanceof Problem ? err : new Problem(500, '服务器内部错误');
            if (p.status >= 500) req.log.error({ err, branchId }, 'urge failed');
            return { branchId, status: p.status, problem: { title: p.title, detail: p.detail } };
          }
        },
      );
      res.json({ items } satisfies BulkUrgeResult);
    },
  );

  /** A command answered 202 asked for again (its Location): the same answer it would have given. */
  for (const [path, operationId, params, workflowOf] of [
    [`${base}/commands/:commandId`, 'getBranchCommand', CommandPath, branchWf],
    [`${base}/findings/:findingId/commands/:commandId`, 'getFindingCommand', FindingCommandPath, findingWf],
  ] as const) {
    route(
      r,
      {
        method: 'get',
        path,
        operationId,
        summary: '查询已受理的办理请求的结果',
        tags,
        access: 'user',
        scope: inBranch,
        params,
        responses: { 200: '办理结果（与原请求的应答相同）', 202: CommandAccepted, 404: '没有该办理请求' },
      },
      async ({ params: p }, req, res) => {
        const t: Target = await visibleBranch(deps.db, p, actorOf(req));
        answer(
          res,
          commandsPath(t),
          await commandOutcome(deps.temporal, requestSignal(req), workflowOf(t), p.commandId, 2000),
        );
      },
    );
  }

  /** Reads are scoped like commands: only people whose jurisdiction holds the branch. */
  route(
    r,
    {
      method: 'get',
      path: base,
      operationId: 'getBranch',
      summary: '支部在本轮的环节、星级、整改事项与时间线',
      tags,
      access: 'user',
      scope: inBranch,
      params: BranchPath,
      responses: { 200: '支部与其流程状态，及处理异常（如有）', 404: UNKNOWN },
    },
    async ({ params }, req, res) => {
      const t = await visibleBranch(deps.db, params, actorOf(req));
      const [state, fault] = await Promise.all([
        viaTemporal(deps.temporal, requestSignal(req), branchWf(t), (h) => h.query(branchStateQuery)),
        // 系统处理异常 shown on the page; a ledger that does not answer shows none.
        callEndpoint(deps.nc, 'tasks', 'faults', { jurisdiction: t.code, roundId: t.roundId, limit: 1 }, 2000)
          .then((f) => f.items[0] ?? null)
          .catch(() => null),
      ]);
      res.json({ branch: t.branch, state, fault });
    },
  );

  route(
    r,
    {
      method: 'get',
      path: `${base}/findings/:findingId`,
      operationId: 'getFinding',
      summary: '一个整改事项的状态',
      tags,
      access: 'user',
      scope: inBranch,
      params: FindingPath,
      responses: { 200: '整改流程的状态', 404: UNKNOWN },
    },
    async ({ params }, req, res) => {
      const t = await visibleBranch(deps.db, params, actorOf(req));
      const state = await viaTemporal(deps.temporal, requestSignal(req), findingWf(t), (h) =>
        h.query(rectificationStateQuery),
      );
      res.json(state);
    },
  );

  return r;
}
