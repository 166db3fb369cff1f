import { status } from '@grpc/grpc-js';
import {
  isGrpcServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { isRejectionType, type RejectionDetail } from '@fivestar/contracts/workflow';
import { badRequest, conflict, forbidden, notFound, Problem, unavailable } from './problem';

/** A validator's refusal (contracts/src/workflow/rejections.ts) as a problem: by its type and detail. */
function rejectionProblem(err: unknown): Problem | undefined {
  const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
  if (!(cause instanceof ApplicationFailure) || !isRejectionType(cause.type)) return undefined;
  const detail = rejectionDetail(cause);
  switch (cause.type) {
    case 'Forbidden':
      return forbidden(detail.message);
    case 'WrongStep':
    case 'Conflict':
      return conflict(detail.message);
    case 'Invalid':
      return detail.field === undefined
        ? badRequest(detail.message)
        : badRequest(detail.message, [{ field: `body.${detail.field}`, message: detail.message }]);
  }
}

/** The rejection's detail as the workflow's validator sent it (contracts/src/workflow/rejections.ts). */
function rejectionDetail(failure: ApplicationFailure): RejectionDetail {
  const [detail] = failure.details ?? [];
  return typeof detail === 'object' &&
    detail !== null &&
    typeof (detail as RejectionDetail).message === 'string'
    ? (detail as RejectionDetail)
    : { message: failure.message };
}

/** Temporal answered NOT_FOUND: no such workflow, one that has finished, or no such Update in it. */
export const isNotFound = (err: unknown): boolean =>
  err instanceof WorkflowNotFoundError || (isGrpcServiceError(err) && err.code === status.NOT_FOUND);

/** DEADLINE_EXCEEDED, UNAVAILABLE: the workflow engine did not answer; nothing was done. */
const engineSilent = (err: unknown): boolean =>
  isGrpcServiceError(err) && (err.code === status.DEADLINE_EXCEEDED || err.code === status.UNAVAILABLE);

export const engineUnavailable = (): Problem => unavailable('流程引擎暂时无法响应，请稍后重试', 5);

/**
 * Runs Temporal calls that end when `signal` aborts. The client only cancels a call on the signal's abort
 * event, so a signal aborted already is refused here rather than ignored.
 */
export async function withSignal<T>(client: Client, signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  signal.throwIfAborted();
  return client.withAbortSignal(signal, fn);
}

/** Whether the workflow exists, and whether it still runs (its latest run), asked within `signal`. */
export async function workflowPresence(
  client: Client,
  workflowId: string,
  signal: AbortSignal,
): Promise<'missing' | 'running' | 'closed'> {
  try {
    const described = await withSignal(client, signal, () =>
      client.workflow.getHandle(workflowId).describe(),
    );
    return described.status.name === 'RUNNING' ? 'running' : 'closed';
  } catch (err) {
    if (isNotFound(err)) return 'missing';
    throw engineSilent(err) ? engineUnavailable() : err;
  }
}

/**
 * Maps what a workflow answered into HTTP terms: validator rejections by their failure type and detail; a
 * NOT_FOUND by asking Temporal whether the workflow has finished (409) or is not there (404); an engine
 * that did not answer as 503. Undefined for anything else.
 */
export async function toProblem(
  client: Client,
  workflowId: string,
  signal: AbortSignal,
  err: unknown,
): Promise<Problem | undefined> {
  const refusal = rejectionProblem(err);
  if (refusal) return refusal;
  if (isNotFound(err))
    return (await workflowPresence(client, workflowId, signal)) === 'closed'
      ? conflict('流程已结束')
      : notFound('流程不存在');
  if (engineSilent(err)) return engineUnavailable();
  return undefined;
}

/**
 * Runs a request's Temporal call on one workflow and turns known workflow answers into problems. The call
 * ends with the request (`signal`: its bound, its response closing, the API stopping).
 */
export async function viaTemporal<T>(
  client: Client,
  signal: AbortSignal,
  workflowId: string,
  fn: (handle: WorkflowHandle) => Promise<T>,
): Promise<T> {
  try {
    return await withSignal(client, signal, () => fn(client.workflow.getHandle(workflowId)));
  } catch (err) {
    throw (await toProblem(client, workflowId, signal, err)) ?? err;
  }
}
