import {
  ESCALATION_LABELS,
  formatBeijingTime,
  STEP_LABELS,
  type CandidateGroup,
  type EscalationLevel,
  type FivestarEvent,
} from '@fivestar/contracts';
import type { NoticeKind } from './db';

/**
 * Who hears a notice: the users of `role` covering `jurisdiction` (a candidate group); with `inside`,
 * also every user of that role bound anywhere inside it (a county's bulletin reaches each township's
 * reviewers).
 */
export interface NoticeGroup extends CandidateGroup {
  inside?: true;
}

/** What one event tells one or more groups; the handler fans it out to their users. */
export interface NoticeDraft {
  kind: NoticeKind;
  title: string;
  body: string;
  groups: NoticeGroup[];
  workKey: string | null;
  escalationLevel: EscalationLevel | null;
}

const LEVEL_NAMES = ['零', '一', '二', '三', '四', '五'] as const;

interface Supervised {
  workKey: string;
  deadline: string;
  group: CandidateGroup;
  level?: EscalationLevel;
}

/**
 * Reminder, overdue and escalation notices read alike for steps and rectifications: `subject` names
 * the kind of work, `what` the item, `verb` what is owed (办理 a step, 办结 a rectification).
 */
function supervisionNotice(
  kind: 'reminder' | 'overdue' | 'escalation',
  subject: string,
  what: string,
  verb: string,
  d: Supervised,
): NoticeDraft {
  const due = formatBeijingTime(d.deadline);
  const level = d.level ? ESCALATION_LABELS[d.level] : '';
  const text = {
    reminder: [`催办提醒：${subject}`, `${what}将于${due}到期，请抓紧办理。`],
    overdue: [`逾期提醒：${subject}`, `${what}已于${due}到期，至今未${verb}，请立即办理。`],
    escalation: [`${level}：${subject}`, `${what}逾期未${verb}，现发出${level}，请督促落实。`],
  }[kind];
  return {
    kind,
    title: text[0]!,
    body: text[1]!,
    groups: [d.group],
    workKey: d.workKey,
    escalationLevel: kind === 'escalation' ? (d.level ?? null) : null,
  };
}

/** A notice to `group` without an escalation level. */
function notice(
  kind: NoticeKind,
  group: CandidateGroup,
  workKey: string | null,
  title: string,
  body: string,
): NoticeDraft {
  return { kind, title, body, groups: [group], workKey, escalationLevel: null };
}

/** A notice to the secretaries of the event's branch; without a branch there is nobody to tell (null). */
function toBranch(
  event: FivestarEvent,
  kind: NoticeKind,
  title: string,
  body: string,
  workKey: string | null = null,
): NoticeDraft | null {
  if (!event.branchId) return null;
  return notice(kind, { role: 'village_secretary', jurisdiction: event.branchId }, workKey, title, body);
}

/** The notice an event gives rise to, or null for events nobody is told about. */
export function noticeFor(event: FivestarEvent): NoticeDraft | null {
  switch (event.type) {
    case 'branch.step_opened': {
      const { work, attempt } = event.data;
      const rework = attempt > 1 ? `（退回后第${attempt}次办理）` : '';
      return notice(
        'step_opened',
        work.group,
        work.key,
        `待办：${work.title}`,
        `${work.title}${rework}，请于${formatBeijingTime(work.deadline)}前办理。`,
      );
    }
    case 'branch.step_reminder':
      return supervisionNotice(
        'reminder',
        STEP_LABELS[event.data.step],
        event.data.title,
        '办理',
        event.data,
      );
    case 'branch.step_overdue':
      return supervisionNotice('overdue', STEP_LABELS[event.data.step], event.data.title, '办理', event.data);
    case 'branch.step_escalated':
      return supervisionNotice(
        'escalation',
        STEP_LABELS[event.data.step],
        event.data.title,
        '办理',
        event.data,
      );
    case 'rectification.opened': {
      const { work, title } = event.data;
      return notice(
        'step_opened',
        work.group,
        work.key,
        `待办：${work.title}`,
        `限期整改：${title}。请于${formatBeijingTime(work.deadline)}前完成整改并提交佐证材料。`,
      );
    }
    case 'rectification.evidence_submitted': {
      const { work, description } = event.data;
      return notice(
        'step_opened',
        work.group,
        work.key,
        `待办：${work.title}`,
        `整改佐证材料已提交：${description}。请于${formatBeijingTime(work.deadline)}前完成核验。`,
      );
    }
    case 'rectification.rejected': {
      const { work, reasons } = event.data;
      return notice(
        'step_opened',
        work.group,
        work.key,
        `待办：${work.title}`,
        `整改未通过核验，退回原因：${reasons.join('；')}。请于${formatBeijingTime(work.deadline)}前重新整改并提交。`,
      );
    }
    case 'rectification.reminder':
    case 'rectification.overdue':
    case 'rectification.escalated': {
      const d = event.data;
      const kind = ({ reminder: 'reminder', overdue: 'overdue', escalated: 'escalation' } as const)[
        event.type.slice('rectification.'.length) as 'reminder' | 'overdue' | 'escalated'
      ];
      return supervisionNotice(kind, '整改事项', `${d.title}（问题编号 ${d.findingId}）`, '办结', d);
    }
    case 'work.urged': {
      const d = event.data;
      const by = event.actor ? `${event.actor.name}` : '上级';
      return {
        kind: 'urge',
        title: `催办：${d.title}`,
        body: `${by}催办：${d.title}，期限${formatBeijingTime(d.deadline)}。${d.note ? `附言：${d.note}` : ''}`,
        groups: [d.group],
        workKey: d.workKey,
        escalationLevel: null,
      };
    }
    case 'work.extension_requested': {
      const d = event.data;
      return {
        kind: 'extension_requested',
        title: `待审批：${d.work.title}`,
        body: `申请将“${d.title}”的期限由${formatBeijingTime(d.currentDeadline)}延至${formatBeijingTime(d.requestedDeadline)}，理由：${d.reasons.join('；')}。`,
        groups: [d.work.group],
        workKey: d.work.key,
        escalationLevel: null,
      };
    }
    case 'work.extension_decided': {
      const d = event.data;
      return {
        kind: 'extension_decided',
        title: `延期申请${d.approved ? '已同意' : '未同意'}：${d.title}`,
        body: d.approved
          ? `“${d.title}”的期限已延至${formatBeijingTime(d.deadline)}。`
          : `“${d.title}”的延期申请未获同意，理由：${d.reasons.join('；')}。期限仍为${formatBeijingTime(d.deadline)}。`,
        groups: [d.group],
        workKey: d.workKey,
        escalationLevel: null,
      };
    }
    case 'work.replanned': {
      const d = event.data;
      const still = d.provisional ? '部分日期所在年份的工作日历尚未加载，仍暂按工作日计算。' : '';
      return notice(
        'deadline_replanned',
        d.group,
        d.workKey,
        `期限调整：${d.title}`,
        `“${d.title}”的期限已按新加载的工作日历调整为${formatBeijingTime(d.deadline)}（原为${formatBeijingTime(d.previousDeadline)}）。${still}`,
      );
    }
    case 'branch.withdrawn':
      return toBranch(event, 'withdrawn', '本年度未参与创建', event.data.reason, event.data.closes);
    case 'branch.notice_started':
      return toBranch(
        event,
        'public_notice',
        `评星结果公示：${LEVEL_NAMES[event.data.level]}星级`,
        `本支部评星结果进入公示期，至${formatBeijingTime(event.data.until)}结束；公示期间如有异议将重新审核。`,
      );
    case 'branch.objection_upheld':
      return toBranch(
        event,
        'public_notice',
        '公示异议成立，重新审核',
        `公示期异议成立，退回“${STEP_LABELS[event.data.toStep]}”重新办理。理由：${event.data.reasons.join('；')}。`,
      );
    case 'branch.revocation_proposed': {
      const { work } = event.data;
      return {
        kind: 'revocation_proposed',
        title: `待审议：${work.title}`,
        body: `整改事项（问题编号 ${event.data.findingId}）逾期未完成，已达最高督办层级，建议摘星，请于${formatBeijingTime(work.deadline)}前审议。`,
        groups: [work.group],
        workKey: work.key,
        escalationLevel: null,
      };
    }
    case 'branch.star_revoked': {
      const { revoked, level } = event.data;
      const names = revoked.map((r) => r.name).join('、');
      return toBranch(
        event,
        'star_revoked',
        `摘星通知：${names}`,
        `因整改事项（问题编号 ${event.data.findingId}）逾期未完成，摘除${names}，现为${LEVEL_NAMES[level]}星级。`,
      );
    }
    case 'branch.awarded': {
      // The branch's own secretaries hear the result; without a branch there is nobody to tell.
      const { level, stars } = event.data;
      const body =
        level > 0
          ? `本支部获评${LEVEL_NAMES[level]}星级：${stars.map((s) => s.name).join('、')}。`
          : '本支部本轮未获评星级。';
      const title = level > 0 ? `评星结果：${LEVEL_NAMES[level]}星级支部` : '评星结果：未获评星级';
      return toBranch(event, 'award_published', title, body);
    }
    case 'ranking.bulletin_published': {
      // A county's: its coordinators and the reviewers of every township in it. A city's or the
      // province's (a shorter code): the coordinators of the area and of every level inside it.
      const { countyCode, title, url, period } = event.data;
      return {
        kind: 'bulletin',
        title: `通报：${title}`,
        body: `${period} 月度排名通报已发布：${url}`,
        groups:
          countyCode.length === 6
            ? [
                { role: 'coordinator', jurisdiction: countyCode },
                { role: 'township_reviewer', jurisdiction: countyCode, inside: true },
              ]
            : [{ role: 'coordinator', jurisdiction: countyCode, inside: true }],
        workKey: null,
        escalationLevel: null,
      };
    }
    default:
      return null;
  }
}
