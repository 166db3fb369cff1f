import {
  isGrpcServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { isRejectionType, type RejectionDetail } from '@fivestar/contracts/workflow';
import { badRequest, conflict, forbidden, notFound, Problem, unavailable } from '../gateway/problem';

/**
 * Maps what a workflow answered into HTTP terms: validator rejections carry a failure type
 * and a detail (contracts/src/workflow/rejections.ts).
 */
export function toProblem(err: unknown): Problem | undefined {
  if (err instanceof WorkflowNotFoundError) {
    return /already completed/.test(err.message) ? conflict('流程已结束') : notFound('流程不存在');
  }
  const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
  if (cause instanceof ApplicationFailure && isRejectionType(cause.type)) {
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
  if (err instanceof Error && /not found/i.test(err.message) && (err as { code?: number }).code === 5) {
    return notFound('流程不存在');
  }
  // DEADLINE_EXCEEDED, UNAVAILABLE: the workflow engine did not answer; nothing was done.
  if (isGrpcServiceError(err) && (err.code === 4 || err.code === 14)) {
    return unavailable('流程引擎暂时无法响应，请稍后重试', 5);
  }
  return undefined;
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

/** Runs a Temporal call and turns known workflow answers into problems. */
export async function viaTemporal<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toProblem(err) ?? err;
  }
}

export function handle(client: Client, workflowId: string): WorkflowHandle {
  return client.workflow.getHandle(workflowId);
}
