import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';

/** How a validator refused an Update: its rejection type and detail, as the API reads them. */
export async function refusal(
  update: Promise<unknown>,
): Promise<{ type: string | null | undefined; details: unknown[] }> {
  const err: unknown = await update.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return {
    type: (cause as ApplicationFailure).type,
    details: [...((cause as ApplicationFailure).details ?? [])],
  };
}
