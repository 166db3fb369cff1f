import { Router, type Request } from 'express';
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
  STEP_SIGNERS,
  SubmitRectificationEvidence,
  SubmitSelfCheck,
  VerifyRectification,
  scopeCode,
  within,
  type Actor,
  type Branch,
  type BulkUrgeItem,
  type BulkUrgeResult,
  type HumanStep,
  type Role,
  type Scope,
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
} from '@fivestar/workflows';
import type { z } from 'zod';
import { mapLimited } from '@fivestar/platform';
import { actorOf, requireRole } from '../auth';
import type { ApiDeps } from '../deps';
import { findBranch } from '../directory';
import { selfCheckEvidencePrecheck } from '../evidence';
import { forbidden, notFound, Problem } from '../problem';
import { handle, viaTemporal } from '../temporal';
import { parse } from '../validate';

type Signer = { role: Role; scope: Scope };
/** The branch a command is about, in its round, and who commands. */
type Target = { roundId: string; code: string; branch: Branch; actor: Actor };

/** Urges of many branches run at most this many Updates at once (the Temporal client is shared). */
const BULK_URGE_CONCURRENCY = 8;

/** Role and jurisdiction are checked here, before anything reaches Temporal (the workflow checks again). */
function authorise(actor: Actor, branch: Branch, signers: Signer[]): void {
  const ok = signers.some(
    (s) => s.role === actor.role && within(actor.jurisdiction, scopeCode(branch, s.scope)),
  );
  if (!ok) throw forbidden('您无权办理该支部的此环节');
}

export function branchRoutes(deps: ApiDeps): Router {
  const r = Router();

  async function branchTarget(roundId: string, code: string, actor: Actor): Promise<Target> {
    const branch = await findBranch(deps.db, code);
    if (!branch) throw notFound(`支部 ${code} 不存在`);
    return { roundId, code, branch, actor };
  }

  async function target(req: Request): Promise<Target> {
    const path = parse(BranchPath, req.params, 'path');
    return branchTarget(path.roundId, path.code, actorOf(req));
  }

  /**
   * What a sign-off does once its branch is known: authorise, validate the body, then run the workflow
   * Update with the actor. Throws a Problem (what the route answers).
   */
  function signOffAction<S extends z.ZodType, R, A extends object = object>(
    schema: S,
    signers: Signer[],
    update: UpdateDefinition<R, [z.infer<S> & { actor: Actor } & A]>,
    workflowOf: (t: Target, req: Request) => string,
    /** Checks against the API's own data before Temporal (e.g. cited evidence was uploaded). */
    precheck?: (t: Target, body: z.infer<S>) => Promise<void>,
    /** Arguments taken from the path rather than the body. */
    fromPath?: (req: Request) => A,
  ) {
    return async (t: Target, req: Request, rawBody: unknown): Promise<R> => {
      authorise(t.actor, t.branch, signers);
      const body = parse(schema, rawBody, 'body');
      if (precheck) await precheck(t, body);
      const workflowId = workflowOf(t, req);
      const args = { ...(body as object), ...fromPath?.(req), actor: t.actor } as z.infer<S> & {
        actor: Actor;
      } & A;
      const result = await viaTemporal(() =>
        handle(deps.temporal, workflowId).executeUpdate(update, { args: [args] }),
      );
      req.log.info({ workflowId, update: update.name }, 'sign-off accepted');
      return result;
    };
  }

  /** A sign-off route: the branch from the path, the action on the request's body. */
  function signOff<S extends z.ZodType, R, A extends object = object>(
    path: string,
    ...action: Parameters<typeof signOffAction<S, R, A>>
  ) {
    const act = signOffAction(...action);
    r.post(path, async (req, res) => {
      res.json(await act(await target(req), req, req.body));
    });
  }

  const branchWf = (t: { roundId: string; code: string }) => branchWorkflowId(t.roundId, t.code);
  const findingWf = (t: { roundId: string; code: string }, req: Request) =>
    rectificationWorkflowId(t.roundId, t.code, parse(FindingPath, req.params, 'path').findingId);
  const signer = (step: HumanStep) => [STEP_SIGNERS[step]];
  const base = '/rounds/:roundId/branches/:code';

  signOff(
    `${base}/self-check`,
    SubmitSelfCheck,
    signer('SELF_CHECK'),
    submitSelfCheckUpdate,
    branchWf,
    selfCheckEvidencePrecheck(deps.db),
  );
  signOff(
    `${base}/review`,
    Review,
    [...signer('TOWNSHIP_REVIEW'), ...signer('COUNTY_PRE_REVIEW')],
    reviewUpdate,
    branchWf,
  );
  signOff(
    `${base}/observation`,
    RecordObservation,
    signer('ON_SITE_OBSERVATION'),
    recordObservationUpdate,
    branchWf,
  );
  signOff(
    `${base}/observation/close`,
    CloseObservation,
    signer('ON_SITE_OBSERVATION'),
    closeObservationUpdate,
    branchWf,
  );
  signOff(`${base}/award`, ConfirmAward, signer('AWARD'), confirmAwardUpdate, branchWf);
  const coordinator: Signer[] = [{ role: 'coordinator', scope: 'county' }];
  signOff(`${base}/objection`, UpholdObjection, coordinator, upholdObjectionUpdate, branchWf);
  signOff(
    `${base}/revocations/:findingId/decision`,
    DecideRevocation,
    coordinator,
    decideRevocationUpdate,
    branchWf,
    undefined,
    (req) => ({ findingId: parse(FindingPath, req.params, 'path').findingId }),
  );
  signOff(
    `${base}/findings/:findingId/evidence`,
    SubmitRectificationEvidence,
    [{ role: 'village_secretary', scope: 'branch' }],
    submitEvidenceUpdate,
    findingWf,
  );
  signOff(
    `${base}/findings/:findingId/verify`,
    VerifyRectification,
    [{ role: 'township_reviewer', scope: 'township' }],
    verifyRectificationUpdate,
    findingWf,
  );

  // Urges (催办) and extensions (延期) of the open step or of a rectification item.
  const urgers: Signer[] = [
    { role: 'coordinator', scope: 'county' },
    { role: 'township_reviewer', scope: 'township' },
  ];
  const requesters: Signer[] = [
    { role: 'village_secretary', scope: 'branch' },
    { role: 'township_reviewer', scope: 'township' },
    { role: 'county_reviewer', scope: 'county' },
    { role: 'observer', scope: 'county' },
  ];
  const deciders: Signer[] = [
    { role: 'township_reviewer', scope: 'township' },
    { role: 'coordinator', scope: 'county' },
  ];
  for (const [prefix, workflowOf] of [
    [base, branchWf],
    [`${base}/findings/:findingId`, findingWf],
  ] as const) {
    signOff(`${prefix}/urge`, Urge, urgers, urgeUpdate, workflowOf);
    signOff(`${prefix}/extension`, RequestExtension, requesters, requestExtensionUpdate, workflowOf);
    signOff(`${prefix}/extension/decision`, DecideExtension, deciders, decideExtensionUpdate, workflowOf);
  }

  /**
   * 批量催办: the open step of many branches, each exactly as its single urge route would (same checks,
   * same Update, the workflow's rate limit), a few at a time; one failing never stops the others. The
   * answer lists each branch with the status its single route would have answered.
   */
  const urgeBranch = signOffAction(Urge, urgers, urgeUpdate, branchWf);
  r.post('/rounds/:roundId/urge', async (req, res) => {
    const actor = actorOf(req);
    requireRole(actor, ...urgers.map((u) => u.role));
    const { roundId } = parse(RoundPath, req.params, 'path');
    const { branchIds, ...body } = parse(BulkUrgeBody, req.body, 'body');
    const items = await mapLimited(
      [...new Set(branchIds)],
      BULK_URGE_CONCURRENCY,
      async (branchId): Promise<BulkUrgeItem> => {
        try {
          const status = await urgeBranch(await branchTarget(roundId, branchId, actor), req, body);
          return { branchId, status: 200, lastUrgedAt: status.lastUrgedAt };
        } catch (err) {
          const p = err instanceof Problem ? err : new Problem(500, '服务器内部错误');
          if (p.status >= 500) req.log.error({ err, branchId }, 'urge failed');
          return { branchId, status: p.status, problem: { title: p.title, detail: p.detail } };
        }
      },
    );
    res.json({ items } satisfies BulkUrgeResult);
  });

  /** Reads are scoped like commands: only people whose jurisdiction holds the branch. */
  r.get(base, async (req, res) => {
    const t = await target(req);
    if (!within(t.actor.jurisdiction, t.branch.code)) throw forbidden('不在您的管辖范围内');
    const state = await viaTemporal(() => handle(deps.temporal, branchWf(t)).query(branchStateQuery));
    res.json({ branch: t.branch, state });
  });

  r.get(`${base}/findings/:findingId`, async (req, res) => {
    const t = await target(req);
    if (!within(t.actor.jurisdiction, t.branch.code)) throw forbidden('不在您的管辖范围内');
    const state = await viaTemporal(() =>
      handle(deps.temporal, findingWf(t, req)).query(rectificationStateQuery),
    );
    res.json(state);
  });

  return r;
}
