import { z } from 'zod';
import { HumanStep } from './cycle';
import { CountyCode } from './directory';
import { EscalationLevel, RoundId } from './round';

/**
 * The monthly ranking (一月一排名): its period, snapshots, the overdue and escalated items its bulletin
 * lists, and the monthly run a schedule triggers. Kept apart from requests.ts, which imports from here.
 */

/** A month of a monthly ranking: "YYYY-MM". */
export const Period = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'period must be YYYY-MM');
export type Period = z.infer<typeof Period>;

export const TakeSnapshotRequest = z.object({
  countyCode: CountyCode,
  roundId: RoundId.optional(),
  period: Period,
});
export type TakeSnapshotRequest = z.input<typeof TakeSnapshotRequest>;
export const TakeSnapshotResult = z.object({
  countyCode: z.string(),
  roundId: z.string().nullable(),
  period: z.string(),
  takenAt: z.string(),
  /** A snapshot of the same county, round and period existed and was replaced. */
  replaced: z.boolean(),
});
export type TakeSnapshotResult = z.infer<typeof TakeSnapshotResult>;

/**
 * An overdue piece of work as a bulletin lists it (逾期事项): a branch's step, or a finding's
 * rectification (one item from its opening to its close-out, whoever owes the work meanwhile).
 */
export const BulletinItem = z.object({
  kind: z.enum(['step', 'rectification']),
  branchCode: z.string(),
  /** The branch's and township's names from the directory; the codes when the branch is not known yet. */
  branchName: z.string(),
  townshipCode: z.string(),
  townshipName: z.string(),
  roundId: z.string().nullable(),
  /** The step owed (kind `step`). */
  step: HumanStep.nullable(),
  /** The finding (kind `rectification`). */
  findingId: z.string().nullable(),
  /** The work's title as the latest supervision event named it. */
  title: z.string(),
  deadline: z.iso.datetime(),
  /** When the workflow declared it overdue. */
  overdueSince: z.iso.datetime(),
  /** Days from the deadline's day to the bulletin's day (Beijing days; 0 on the deadline's day). */
  daysOverdue: z.number().int().nonnegative(),
  /** `working`: by the holiday calendar in force; `calendar`: the calendar lacks a year the count needs. */
  daysUnit: z.enum(['working', 'calendar']),
  /** 督办: the escalation level reached and since when; null while not escalated. */
  escalation: z.object({ level: EscalationLevel, since: z.iso.datetime() }).nullable(),
});
export type BulletinItem = z.infer<typeof BulletinItem>;

/** The monthly run (the 1st of each month, for the month before): snapshot and bulletin of every county. */
export const MonthlyRunRequest = z.object({ period: Period });
export type MonthlyRunRequest = z.input<typeof MonthlyRunRequest>;
export const MonthlyRunResult = z.object({
  period: z.string(),
  /** The snapshots taken; none for a county whose bulletin of the period was already published. */
  snapshots: z.array(TakeSnapshotResult),
  bulletins: z.array(
    z.object({
      countyCode: z.string(),
      bulletinId: z.string(),
      /** Published by an earlier run: nothing was published again. */
      duplicate: z.boolean(),
    }),
  ),
});
export type MonthlyRunResult = z.infer<typeof MonthlyRunResult>;
