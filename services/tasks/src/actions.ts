import {
  within,
  type CandidateGroup,
  type TaskTarget,
  type TaskUser,
  type Viewer,
} from '@fivestar/contracts';

/**
 * The pure rules of the ledger actions (认领, 退回认领, 转办, 委派, 归还): who may do what to a task in
 * which state. The database side (ledger.ts) loads the state under a row lock, asks `decide`, and
 * writes what it answers together with a history record.
 */

/** Roles that supervise every group inside their jurisdiction (a higher level for any task there). */
const SUPERVISORS = new Set<Viewer['role']>(['coordinator', 'admin']);

export interface Access {
  /** The task lies in the viewer's scope: its group, or a group the viewer supervises. */
  inScope: boolean;
  /** The viewer is a candidate of the task's group (same role, jurisdiction on the group's path). */
  member: boolean;
  /** The viewer is above the group: a supervisor role, or the same role bound to a wider area. */
  higher: boolean;
}

export function access(viewer: Viewer, group: CandidateGroup): Access {
  const onPath = within(viewer.jurisdiction, group.jurisdiction);
  const member = onPath && viewer.role === group.role;
  const supervisor = onPath && SUPERVISORS.has(viewer.role);
  return {
    inScope: member || supervisor,
    member,
    higher: supervisor || (member && viewer.jurisdiction.length < group.jurisdiction.length),
  };
}

/** A target belongs to the group when the task is on its list: same role, group inside its area. */
export function inGroup(target: Pick<TaskTarget, 'role' | 'jurisdiction'>, group: CandidateGroup): boolean {
  return target.role === group.role && within(target.jurisdiction, group.jurisdiction);
}

export interface TaskState {
  status: 'open' | 'done';
  group: CandidateGroup;
  assignee: TaskUser | null;
  delegatedBy: TaskUser | null;
}

export type AssignAction = 'claim' | 'unclaim' | 'reassign' | 'delegate' | 'return';
export type ActionError = { code: 'forbidden' | 'conflict' | 'invalid'; message: string };

export type Decision =
  | {
      ok: true;
      assignee: TaskUser | null;
      delegatedBy: TaskUser | null;
      /** False when the action changes nothing (claiming a task one already holds): no history. */
      changed: boolean;
    }
  | ({ ok: false } & ActionError);

const fail = (code: ActionError['code'], message: string): Decision => ({ ok: false, code, message });

/** What `actor` doing `action` (to `target` for reassign / delegate) makes of a task in state `t`. */
export function decide(
  action: AssignAction,
  t: TaskState,
  actor: Viewer & { name: string },
  target?: TaskTarget,
): Decision {
  const a = access(actor, t.group);
  if (!a.inScope) return fail('forbidden', '该任务不在您的管辖范围内');
  if (t.status !== 'open') return fail('conflict', '任务已办结');
  const me: TaskUser = { userId: actor.userId, name: actor.name };
  const holder = t.assignee;
  const mine = holder?.userId === actor.userId;
  switch (action) {
    case 'claim':
      if (!a.member) return fail('forbidden', '只有任务候选组的成员可以认领');
      if (mine) return { ok: true, assignee: holder, delegatedBy: t.delegatedBy, changed: false };
      if (holder) return fail('conflict', `任务已被${holder.name || holder.userId}认领`);
      return { ok: true, assignee: me, delegatedBy: null, changed: true };
    case 'unclaim':
      if (!holder) return fail('conflict', '任务尚未被认领');
      if (!mine && !a.higher) return fail('forbidden', '只有认领人或上级可以退回认领');
      return { ok: true, assignee: null, delegatedBy: null, changed: true };
    case 'reassign':
    case 'delegate': {
      if (!target) return fail('invalid', '缺少办理人');
      if (!inGroup(target, t.group)) return fail('invalid', '办理人须为该任务候选组的用户');
      if (t.delegatedBy) return fail('conflict', '任务处于委派中，须先归还');
      if (action === 'reassign' ? !mine && !a.higher : !mine)
        return fail('forbidden', action === 'reassign' ? '只有认领人或上级可以转办' : '只有认领人可以委派');
      if (target.userId === holder?.userId) return fail('conflict', '任务已由该用户办理');
      const to: TaskUser = { userId: target.userId, name: target.name };
      return action === 'reassign'
        ? { ok: true, assignee: to, delegatedBy: null, changed: true }
        : { ok: true, assignee: to, delegatedBy: me, changed: true };
    }
    case 'return':
      if (!t.delegatedBy) return fail('conflict', '任务不在委派中');
      if (!mine) return fail('forbidden', '只有受委派人可以归还');
      return { ok: true, assignee: t.delegatedBy, delegatedBy: null, changed: true };
  }
}
