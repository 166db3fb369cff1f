import {
  EXTENSION_APPROVER,
  groupFor,
  mayUrge,
  scopeCode,
  within,
  type Actor,
  type Branch,
  type EscalationRung,
  type HumanStep,
  type RequestExtension,
  type RoundSchedule,
  type WorkItem,
} from '@fivestar/contracts';
import type { WorkStatus } from '../definitions';
import type { Emitter } from './emitter';
import { reject, requireActor } from './guard';
import { supervise } from './supervise';

export interface WorkRef {
  step?: HumanStep;
  attempt?: number;
  findingId?: string;
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
  private deadline: number;
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
    private readonly owed: (deadlineIso: string) => Omit<WorkItem, 'deadline'>,
    deadlineMs: number,
  ) {
    this.deadline = deadlineMs;
  }

  get deadlineMs(): number {
    return this.deadline;
  }

  current(): WorkItem {
    const deadline = new Date(this.deadline).toISOString();
    return { ...this.owed(deadline), deadline };
  }

  status(): WorkStatus {
    return {
      deadline: new Date(this.deadline).toISOString(),
      lastUrgedAt: this.lastUrgeMs === null ? null : new Date(this.lastUrgeMs).toISOString(),
      extensionRequestedUntil: this.extension ? new Date(this.extension.requestedMs).toISOString() : null,
    };
  }

  run(isDone: () => boolean, report: SupervisionReporter): Promise<void> {
    return supervise(this.schedule.reminderBeforeSeconds, this.schedule.escalation, {
      deadlineMs: () => this.deadline,
      version: () => this.version,
      isDone,
      onReminder: () => report.reminder(this.current()),
      onOverdue: () => report.overdue(this.current()),
      onEscalation: (rung) => report.escalation(this.current(), rung),
      onExhausted: report.exhausted && (() => report.exhausted!(this.current())),
    });
  }

  checkUrge(actor: Actor | undefined): void {
    const owedBy = this.current().group;
    if (!actor || !mayUrge(actor.role, owedBy.role) || !within(actor.jurisdiction, owedBy.jurisdiction)) {
      reject('Forbidden', '您无权催办该事项');
    }
    const interval = this.schedule.urgeIntervalSeconds * 1000;
    if (this.lastUrgeMs !== null && Date.now() - this.lastUrgeMs < interval) {
      reject(
        'Conflict',
        `该事项已于${new Date(this.lastUrgeMs).toISOString()}催办，${this.schedule.urgeIntervalSeconds}秒内不能重复催办`,
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

  checkRequest(actor: Actor | undefined, body: RequestExtension): void {
    const w = this.current();
    const a = requireActor(actor, w.group.role, w.group.jurisdiction);
    if (!EXTENSION_APPROVER[a.role]) reject('Forbidden', '该角色没有上级可审批延期');
    if (this.extension) reject('Conflict', '已有待审批的延期申请');
    if (Date.parse(body.requestedDeadline) <= this.deadline) {
      reject('Invalid', 'requestedDeadline: 申请的期限必须晚于当前期限');
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
        },
      },
      actor,
    );
    return this.status();
  }

  checkDecision(actor: Actor | undefined): void {
    if (!this.extension) reject('Conflict', '没有待审批的延期申请');
    const approver = EXTENSION_APPROVER[this.extension.by.role]!;
    requireActor(actor, approver.role, scopeCode(this.branch, approver.scope));
  }

  async decide(actor: Actor, approved: boolean, reasons: string[]): Promise<WorkStatus> {
    const pending = this.extension!;
    this.extension = null;
    const asked = this.current();
    if (approved) {
      this.deadline = pending.requestedMs;
      this.version += 1;
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
        deadline: new Date(this.deadline).toISOString(),
        group: asked.group,
      },
      actor,
    );
    return this.status();
  }
}
