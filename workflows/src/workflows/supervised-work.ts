import {
  EXTENSION_APPROVER,
  formatBeijingTime,
  formatSpan,
  groupFor,
  mayUrge,
  within,
  type Actor,
  type Branch,
  type EscalationRung,
  type HumanStep,
  type DueIn,
  type RequestExtension,
  type RoundSchedule,
  type WorkItem,
} from '@fivestar/contracts';
import { proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { provisionalYearValue, type WorkStatus } from '@fivestar/contracts/workflow';
import { ProvisionalYearsKey } from '@fivestar/contracts/workflow';
import type { SupervisionTimes } from '@fivestar/contracts';
import type { Emitter } from './emitter';
import { knownActor, reject, requireActor, requireHolder } from './guard';
import { supervise } from './supervise';

export interface WorkRef {
  step?: HumanStep;
  attempt?: number;
  findingId?: string;
}

const { planSupervision } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  // A calendar year not loaded yet (a round that refuses provisional days) fails the plan; it is retried
  // until an administrator loads it, and reported from the third attempt on (activities/alerts.ts).
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute' },
});

/** What the round's schedule says about counting: its calendar and its policy for years not loaded yet. */
const counting = (schedule: RoundSchedule) => ({
  calendarId: schedule.calendar,
  uncoveredYear: schedule.uncoveredYear,
});

/** The deadline for something due `due` from now, by the calendar in force (public notice, decisions). */
export async function planDeadline(schedule: RoundSchedule, due: DueIn): Promise<number> {
  const times = await planSupervision({
    ...counting(schedule),
    openedAtMs: Date.now(),
    due,
    reminderBefore: { seconds: 0 },
    escalation: [],
  });
  return times.deadlineMs;
}

/**
 * Keeps the workflow's FivestarProvisionalYears in step with its open work's plan, so a loaded year finds
 * it. Only ever set by plans that had provisional years (histories before them never upsert).
 */
function markProvisional(schedule: RoundSchedule, times: SupervisionTimes, before: SupervisionTimes | null) {
  const years = times.provisionalYears ?? [];
  if (!years.length && !before?.provisionalYears?.length) return;
  upsertSearchAttributes([
    { key: ProvisionalYearsKey, value: years.map((y) => provisionalYearValue(schedule.calendar, y)) },
  ]);
}

interface PendingExtension {
  approvalKey: string;
  requestedMs: number;
  by: Actor;
}

/** How the owning workflow reports supervision milestones (its own event types and timeline). */
export interface SupervisionReporter {
  reminder(work: WorkItem): Promise<void>;
  overdue(work: WorkItem): Promise<void>;
  escalation(work: WorkItem, rung: EscalationRung): Promise<void>;
  exhausted?(work: WorkItem): Promise<void>;
}

/**
 * One piece of supervised work (a step attempt or a rectification): its deadline and ladder, urges
 * (催办, rate-limited) and extension requests (延期, decided one level up, moving the timers).
 */
export class SupervisedWork {
  private version = 0;
  private lastUrgeMs: number | null = null;
  private extension: PendingExtension | null = null;
  private extensions = 0;

  constructor(
    private readonly emitter: Emitter,
    private readonly branch: Branch,
    private readonly schedule: RoundSchedule,
    private readonly ref: WorkRef,
    /** The work owed now (its group may change, e.g. evidence → verification). */
    private readonly owed: () => Omit<WorkItem, 'deadline'>,
    private times: SupervisionTimes,
    /** What the times were planned from, to plan them again (a calendar year loaded meanwhile). */
    private planned: { openedAtMs: number; due: DueIn | { atMs: number } },
  ) {
    markProvisional(schedule, times, null);
  }

  /** Plans the work's deadline and supervision from now (`due` after opening) and returns it. */
  static async open(
    emitter: Emitter,
    branch: Branch,
    schedule: RoundSchedule,
    ref: WorkRef,
    owed: () => Omit<WorkItem, 'deadline'>,
    due: DueIn,
  ): Promise<SupervisedWork> {
    const planned = { openedAtMs: Date.now(), due };
    const times = await SupervisedWork.plan(schedule, planned);
    return new SupervisedWork(emitter, branch, schedule, ref, owed, times, planned);
  }

  private static plan(
    schedule: RoundSchedule,
    planned: { openedAtMs: number; due: DueIn | { atMs: number } },
    minRevision?: number,
  ): Promise<SupervisionTimes> {
    return planSupervision({
      ...counting(schedule),
      ...planned,
      reminderBefore: schedule.reminderBefore,
      escalation: schedule.escalation,
      ...(minRevision === undefined ? {} : { minRevision }),
    });
  }

  /**
   * A calendar year was loaded: when this work was counted provisionally in it, plan again from the same
   * opening and due date with a calendar at least `revision` new; moved times restart the supervision
   * walk, and `work.replanned` tells the ledger and the people concerned (once per change).
   */
  async replan(calendarId: string, year: number, revision: number): Promise<void> {
    if (calendarId !== this.schedule.calendar || !this.times.provisionalYears?.includes(year)) return;
    const before = this.times;
    const times = await SupervisedWork.plan(this.schedule, this.planned, revision);
    if (JSON.stringify(times) === JSON.stringify(before)) return;
    this.times = times;
    this.version += 1;
    markProvisional(this.schedule, times, before);
    const w = this.current();
    await this.emitter.emit('work.replanned', {
      ...this.ref,
      workKey: w.key,
      title: w.title,
      deadline: w.deadline,
      group: w.group,
      previousDeadline: new Date(before.deadlineMs).toISOString(),
      provisional: w.provisional ?? false,
    });
  }

  get deadlineMs(): number {
    return this.times.deadlineMs;
  }

  current(): WorkItem {
    const item: WorkItem = { ...this.owed(), deadline: new Date(this.times.deadlineMs).toISOString() };
    // Only when true: work planned on loaded years reads exactly as before the flag existed.
    return this.times.provisionalYears?.length ? { ...item, provisional: true } : item;
  }

  status(): WorkStatus {
    return {
      deadline: new Date(this.times.deadlineMs).toISOString(),
      lastUrgedAt: this.lastUrgeMs === null ? null : new Date(this.lastUrgeMs).toISOString(),
      extensionRequestedUntil: this.extension ? new Date(this.extension.requestedMs).toISOString() : null,
      ...(this.times.provisionalYears?.length ? { provisional: true } : {}),
    };
  }

  run(isDone: () => boolean, report: SupervisionReporter): Promise<void> {
    return supervise({
      times: () => this.times,
      version: () => this.version,
      isDone,
      onReminder: () => report.reminder(this.current()),
      onOverdue: () => report.overdue(this.current()),
      onEscalation: (rung) => report.escalation(this.current(), rung),
      onExhausted: report.exhausted && (() => report.exhausted!(this.current())),
    });
  }

  checkUrge(actor: unknown): void {
    const owedBy = this.current().group;
    const a = knownActor(actor);
    if (!mayUrge(a.role, owedBy.role) || !within(a.jurisdiction, owedBy.jurisdiction)) {
      reject('Forbidden', '您无权催办该事项');
    }
    const interval = this.schedule.urgeIntervalSeconds * 1000;
    if (this.lastUrgeMs !== null && Date.now() - this.lastUrgeMs < interval) {
      reject(
        'Conflict',
        `该事项已于${formatBeijingTime(new Date(this.lastUrgeMs).toISOString())}催办，${formatSpan(this.schedule.urgeIntervalSeconds)}内不能重复催办`,
      );
    }
  }

  async urge(actor: Actor, note: string | undefined): Promise<WorkStatus> {
    this.lastUrgeMs = Date.now();
    const w = this.current();
    await this.emitter.emit(
      'work.urged',
      { ...this.ref, workKey: w.key, title: w.title, deadline: w.deadline, group: w.group, note },
      actor,
    );
    return this.status();
  }

  checkRequest(actor: unknown, body: RequestExtension): void {
    const w = this.current();
    const a = requireActor(actor, w.group.role, w.group.jurisdiction);
    if (!EXTENSION_APPROVER[a.role]) reject('Forbidden', '该角色没有上级可审批延期');
    if (this.extension) reject('Conflict', '已有待审批的延期申请');
    if (Date.parse(body.requestedDeadline) <= Math.max(this.times.deadlineMs, Date.now())) {
      reject('Invalid', '申请的期限必须晚于当前期限和当前时间', 'requestedDeadline');
    }
  }

  async request(actor: Actor, body: RequestExtension): Promise<WorkStatus> {
    const w = this.current();
    const approver = EXTENSION_APPROVER[actor.role]!;
    this.extensions += 1;
    const approvalKey = `${w.key}/extension/${this.extensions}`;
    this.extension = { approvalKey, requestedMs: Date.parse(body.requestedDeadline), by: actor };
    await this.emitter.emit(
      'work.extension_requested',
      {
        ...this.ref,
        workKey: w.key,
        title: w.title,
        currentDeadline: w.deadline,
        requestedDeadline: new Date(this.extension.requestedMs).toISOString(),
        reasons: body.reasons,
        work: {
          key: approvalKey,
          kind: 'extension_decision',
          title: `延期申请：${w.title}`,
          group: groupFor(this.branch, approver.role, approver.scope),
          deadline: w.deadline,
          star: w.star,
          subject: w.subject,
        },
      },
      actor,
    );
    return this.status();
  }

  checkDecision(actor: unknown): void {
    if (!this.extension) reject('Conflict', '没有待审批的延期申请');
    const approver = EXTENSION_APPROVER[this.extension.by.role]!;
    const a = requireHolder(actor, this.branch, approver);
    // Separation of duties: a requester re-scoped to the approving level still cannot approve their own.
    if (a.userId === this.extension.by.userId) reject('Forbidden', '职责分离：不能审批自己提出的延期申请');
  }

  async decide(actor: Actor, approved: boolean, reasons: string[]): Promise<WorkStatus> {
    const pending = this.extension!;
    this.extension = null;
    const asked = this.current();
    if (approved) {
      const before = this.times;
      this.planned = { openedAtMs: Date.now(), due: { atMs: pending.requestedMs } };
      this.times = await SupervisedWork.plan(this.schedule, this.planned);
      this.version += 1;
      markProvisional(this.schedule, this.times, before);
    }
    await this.emitter.emit(
      'work.extension_decided',
      {
        ...this.ref,
        closes: pending.approvalKey,
        workKey: asked.key,
        title: asked.title,
        approved,
        reasons,
        deadline: new Date(this.times.deadlineMs).toISOString(),
        group: asked.group,
      },
      actor,
    );
    return this.status();
  }
}
