import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import {
  isGrpcServiceError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
  type UpdateDefinition,
} from '@temporalio/client';
import {
  badRequest,
  conflict,
  notFound,
  RETRY_AFTER_SECONDS,
  unavailable,
  type Problem,
} from '../gateway/problem';
import { isNotFound, toProblem, withSignal, workflowPresence } from '../gateway/temporal';

/** What a command keeps of the request's bound for writing its answer. */
const ANSWER_MARGIN_MS = 500;

/** A command's outcome within the request's bound: its answer, or accepted and still being processed. */
export type CommandOutcome<R> =
  { status: 'completed'; result: R } | { status: 'accepted'; commandId: string };

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * The id of the workflow Update a request runs as: the caller's `Idempotency-Key` (per user, so two users'
 * keys never meet), or a fresh one. Temporal keeps one outcome per Update id and workflow, so a request
 * retried with the same key is the same command: never taken twice.
 */
export function commandIdOf(userId: string, key: string | undefined): string {
  if (key === undefined) return `cmd-${randomUUID()}`;
  if (!IDEMPOTENCY_KEY.test(key))
    throw badRequest('Idempotency-Key 须为1至64位字母、数字或 _.:-', [
      { field: 'header.idempotency-key', message: '须为1至64位字母、数字或 _.:-' },
    ]);
  return `${userId}:${key}`;
}

/** A Temporal call that did not answer in time, was cut, or found the service down. */
function notTaken(err: unknown): boolean {
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  return (
    isGrpcServiceError(err) &&
    [status.CANCELLED, status.DEADLINE_EXCEEDED, status.UNAVAILABLE].includes(err.code)
  );
}

/** 503 with Retry-After: the workflow engine did not take the command (yet); the same request may be sent again. */
export const notAccepted = (): Problem =>
  unavailable('系统繁忙，办理请求尚未被受理，请稍后重新提交（重复提交不会重复办理）', RETRY_AFTER_SECONDS);

/** Runs `fn` until `deadlineMs` or the request's end (`signal`), whichever comes first. */
async function within<T>(
  client: Client,
  signal: AbortSignal,
  deadlineMs: number,
  fn: () => Promise<T>,
): Promise<T> {
  const timeout = AbortSignal.timeout(Math.max(1, deadlineMs - Date.now()));
  return withSignal(client, AbortSignal.any([signal, timeout]), fn);
}

/**
 * Runs a sign-off as a workflow Update and answers within `boundMs`: the Update's result once the workflow
 * has taken it and answered; `accepted` (the caller polls the command) when it was taken but its answer is
 * later than the bound; a 503 problem when it was not taken in time. Refusals come back as problems.
 * Every call ends with the request (`signal`).
 */
export async function runCommand<R, A extends [unknown, ...unknown[]]>(
  client: Client,
  signal: AbortSignal,
  workflowId: string,
  update: UpdateDefinition<R, A>,
  args: A,
  commandId: string,
  boundMs: number,
): Promise<CommandOutcome<R>> {
  const deadline = Date.now() + boundMs - ANSWER_MARGIN_MS;
  const handle = client.workflow.getHandle(workflowId);
  let accepted;
  try {
    accepted = await within(client, signal, deadline, () =>
      handle.startUpdate(update, { args, updateId: commandId, waitForStage: 'ACCEPTED' }),
    );
  } catch (err) {
    if (notTaken(err)) throw notAccepted();
    throw (await toProblem(client, workflowId, signal, err)) ?? err;
  }
  try {
    return {
      status: 'completed',
      result: await within(client, signal, deadline, () => accepted.result()),
    };
  } catch (err) {
    if (notTaken(err)) return { status: 'accepted', commandId };
    throw (await toProblem(client, workflowId, signal, err)) ?? err;
  }
}

/**
 * A command's outcome asked for again (the Location a 202 gave): its result, `accepted` while it is still
 * being processed, 409 when its workflow has finished without it, or 404 when the workflow never took a
 * command of that id.
 */
export async function commandOutcome<R>(
  client: Client,
  signal: AbortSignal,
  workflowId: string,
  commandId: string,
  waitMs: number,
): Promise<CommandOutcome<R>> {
  const handle = client.workflow.getHandle(workflowId).getUpdateHandle<R>(commandId);
  try {
    return {
      status: 'completed',
      result: await within(client, signal, Date.now() + waitMs, () => handle.result()),
    };
  } catch (err) {
    if (notTaken(err)) return { status: 'accepted', commandId };
    if (isNotFound(err)) {
      if ((await workflowPresence(client, workflowId, signal)) === 'closed') throw conflict('流程已结束');
      throw notFound('没有该办理请求');
    }
    throw (await toProblem(client, workflowId, signal, err)) ?? err;
  }
}
