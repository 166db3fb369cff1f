import {
  BRANCH_TYPE_LABELS,
  NOTICE_KIND_LABELS,
  ROLE_LABELS,
  roleTitle,
  SCOPE_LABELS,
  SCOPES,
  scopeOf,
  type Role,
  type Scope,
  STEP_LABELS,
  UNCOVERED_YEAR_LABELS,
} from '@fivestar/contracts';
import { currentLang, register, t, type Dictionary } from './i18n';

const SCOPE_EN: Record<Scope, string> = {
  branch: 'branch',
  township: 'township',
  county: 'county',
  city: 'city',
  province: 'province',
};

/** `{group.key: text}` for a table of labels. */
export const prefixed = (group: string, labels: Dictionary): Dictionary =>
  Object.fromEntries(Object.entries(labels).map(([key, text]) => [`${group}.${key}`, text]));

/** `{group.code: {zh, en}}` for codes the contracts already name in Chinese: only the English is added here. */
const fromContracts = <K extends string>(
  group: string,
  zh: Record<K, string>,
  en: Record<K, string>,
): Dictionary =>
  Object.fromEntries(
    (Object.keys(zh) as K[]).map((code) => [`${group}.${code}`, { zh: zh[code], en: en[code] }]),
  );

/** Shared keys and the foundation's pages (login, layout, tasks, branch, forms). */
register({
  'app.title': { zh: '五星支部创建', en: 'Five-Star Branches' },
  'app.loading': { zh: '加载中…', en: 'Loading…' },
  'app.error': { zh: '出错了', en: 'Something went wrong' },
  'app.notFound': { zh: '没有该页面', en: 'Page not found' },
  'app.submit': { zh: '提交', en: 'Submit' },
  'app.submitting': { zh: '提交中…', en: 'Submitting…' },
  'app.none': { zh: '暂无', en: 'None' },
  // Between the items of a list in a sentence (市 1 个、县 3 个).
  'app.listSep': { zh: '、', en: ', ' },
  // A sign-off's standing when its answer is late or it was not taken (forms.tsx, CommandStatus).
  'command.accepted': { zh: '已受理，正在处理…', en: 'Accepted, being processed…' },
  'command.processing': {
    zh: '已受理，系统仍在处理，可稍后刷新查看',
    en: 'Accepted; still being processed. Refresh later to see the outcome.',
  },
  'command.notTaken': {
    zh: '系统繁忙，本次提交尚未被受理，请稍后重试（重复提交不会重复办理）',
    en: 'The system is busy and has not taken this submission yet. Please retry (it will not be done twice).',
  },
  'command.retry': { zh: '重试', en: 'Retry' },
  // Deadlines counted Monday–Friday while their year's holidays are not loaded (layout/Deadline.tsx).
  'deadline.provisional': { zh: '暂按工作日计算', en: 'Provisional (weekdays)' },
  'deadline.provisionalHint': {
    zh: '该期限所在年份的节假日安排尚未加载，暂按周一至周五计算；加载后自动重新计算',
    en: 'The holidays of this deadline’s year are not loaded yet, so it counts Monday to Friday; it is recounted once they are.',
  },
  'deadline.planning': { zh: '期限计算中', en: 'Deadline being computed' },
  // 系统处理异常 (layout/Faults.tsx): a branch whose background processing keeps failing.
  'fault.banner': { zh: '系统处理异常：{label}', en: 'Processing problem: {label}' },
  'fault.since': { zh: '自 {since} 起', en: 'since {since}' },
  'fault.count': { zh: '{n} 个支部处理异常', en: '{n} branches with processing problems' },
  'fault.branches': { zh: '{n} 个支部', en: '{n} branches' },
  'fault.more': { zh: '仅列出最早的 {shown} 个', en: 'The oldest {shown} are listed' },
  // Column headers and scopes every page shares.
  'col.branch': { zh: '支部', en: 'Branch' },
  'col.township': { zh: '乡镇', en: 'Township' },
  'col.step': { zh: '环节', en: 'Step' },
  'col.item': { zh: '事项', en: 'Item' },
  'col.level': { zh: '督办级别', en: 'Level' },
  'col.overdueItems': { zh: '逾期事项', en: 'Overdue items' },
  'col.escalatedItems': { zh: '督办事项', en: 'Escalated items' },
  wholeCounty: { zh: '全县', en: 'Whole county' },
  'nav.home': { zh: '首页', en: 'Home' },
  'nav.tasks': { zh: '我的待办', en: 'My tasks' },
  'nav.inbox': { zh: '通知', en: 'Inbox' },
  'nav.coordinator': { zh: '专班工作台', en: 'Dashboard' },
  'nav.rankings': { zh: '排名通报', en: 'Rankings' },
  'nav.campaign': { zh: '年度创建', en: 'Campaign' },
  'nav.admin': { zh: '系统管理', en: 'Admin' },
  'nav.logout': { zh: '退出', en: 'Log out' },
  'nav.lang': { zh: 'English', en: '中文' },
  'login.username': { zh: '用户名', en: 'Username' },
  'login.password': { zh: '密码', en: 'Password' },
  'login.submit': { zh: '登录', en: 'Sign in' },
  'login.failed': { zh: '用户名或密码不正确', en: 'Wrong username or password' },
  ...fromContracts('role', ROLE_LABELS, {
    village_secretary: 'Village secretary',
    township_reviewer: 'Township reviewer',
    county_reviewer: 'County reviewer',
    city_reviewer: 'City reviewer',
    province_reviewer: 'Province reviewer',
    observer: 'Observer',
    coordinator: 'Coordinator',
    admin: 'Administrator',
    leader: 'Leader (read-only)',
  }),
});

register(
  Object.fromEntries(
    SCOPES.map((scope) => [`scope.${scope}`, { zh: SCOPE_LABELS[scope], en: SCOPE_EN[scope] }]),
  ),
);

/** A user's role as held at their jurisdiction's level: 县级专班, 市级领导（只读）, 乡镇审核人. */
export function roleAt(role: Role, jurisdiction: string): string {
  const scope = scopeOf(jurisdiction);
  const plain = t(`role.${role}`);
  if (currentLang() === 'zh') return roleTitle(role, scope);
  return scope ? `${plain} (${t(`scope.${scope}`)})` : plain;
}

register({
  ...fromContracts('step', STEP_LABELS, {
    SELF_CHECK: 'Self-check',
    TOWNSHIP_REVIEW: 'Township review',
    COUNTY_PRE_REVIEW: 'County pre-review',
    ON_SITE_OBSERVATION: 'On-site observation',
    CITY_RECHECK: 'City re-check',
    PROVINCE_SPOT_CHECK: 'Province spot-check',
    AWARD: 'Award',
    PUBLIC_NOTICE: 'Public notice',
    RECTIFICATION: 'Rectification',
    CLOSED: 'Closed',
  }),
  'light.green': { zh: '绿灯', en: 'Green' },
  'light.yellow': { zh: '黄灯', en: 'Yellow' },
  'light.red': { zh: '红灯', en: 'Red' },
  'level.blue': { zh: '蓝色督办', en: 'Blue escalation' },
  'level.yellow': { zh: '黄色督办', en: 'Yellow escalation' },
  'level.red': { zh: '红色督办', en: 'Red escalation' },
  'home.secretary': { zh: '我的待办与本支部', en: 'My tasks and my branch' },
  'home.reviewer': { zh: '我的待办', en: 'My tasks' },
  'home.observer': { zh: '我的观摩任务', en: 'My observation tasks' },
  'home.myBranch': { zh: '本支部', en: 'My branch' },
  'home.openBranch': { zh: '查看本支部在「{round}」中的情况', en: 'Open my branch in “{round}”' },
  'tasks.todo': { zh: '待办', en: 'To do' },
  'tasks.done': { zh: '已办', en: 'Done' },
  'tasks.overdue': { zh: '逾期', en: 'Overdue' },
  'tasks.cc': { zh: '抄送我的', en: 'Copied to me' },
  'tasks.round': { zh: '轮次', en: 'Round' },
  'tasks.star': { zh: '星级', en: 'Star' },
  'tasks.light': { zh: '灯', en: 'Light' },
  'tasks.all': { zh: '全部', en: 'All' },
  'tasks.deadline': { zh: '截止时间', en: 'Deadline' },
  'tasks.assignee': { zh: '办理人', en: 'Assignee' },
  'tasks.escalation': { zh: '督办', en: 'Escalation' },
  'tasks.empty': { zh: '没有事项', en: 'Nothing here' },
  'tasks.claim': { zh: '批量认领', en: 'Claim selected' },
  'tasks.urge': { zh: '批量催办', en: 'Urge selected' },
  'tasks.ok': { zh: '成功', en: 'OK' },
  'tasks.selectAll': { zh: '全选', en: 'Select all' },
  'branch.timeline': { zh: '流程时间线', en: 'Timeline' },
  'branch.sheets': {
    zh: '现场观摩评分表 {count} 份：{observers}',
    en: '{count} observation score sheets: {observers}',
  },
  'branch.stars': { zh: '星级', en: 'Stars' },
  'branch.evidence': { zh: '佐证材料', en: 'Evidence' },
  'branch.findings': { zh: '整改事项', en: 'Findings' },
  'branch.currentStep': {
    zh: '当前环节：{step}（第{attempt}次）',
    en: 'Current step: {step} (attempt {attempt})',
  },
  'branch.deadline': { zh: '截止：{deadline}', en: 'Deadline: {deadline}' },
  'branch.level': { zh: '评定：{level}星', en: 'Level: {level} stars' },
  'branch.awarded': { zh: '已授星', en: 'Awarded' },
  'branch.notAwarded': { zh: '未授星', en: 'Not awarded' },
  'branch.claimed': { zh: '已申报', en: 'Claimed' },
  'branch.download': { zh: '下载', en: 'Download' },
  'branch.action.opened': { zh: '开始', en: 'opened' },
  'branch.action.signed': { zh: '签署', en: 'signed' },
  'branch.action.returned': { zh: '退回', en: 'returned' },
  'branch.action.reminded': { zh: '提醒', en: 'reminded' },
  'branch.action.overdue': { zh: '逾期', en: 'overdue' },
  'branch.action.escalated': { zh: '督办升级', en: 'escalated' },
  'branch.action.closed': { zh: '结束', en: 'closed' },
  'branch.why': { zh: '评定说明', en: 'Explanation' },
  'branch.approvedBy': { zh: '{level}：{status}', en: '{level}: {status}' },
  'branch.review.approved': { zh: '通过', en: 'approved' },
  'branch.review.not_approved': { zh: '不通过', en: 'not approved' },
  'branch.review.missing': { zh: '未审', en: 'missing' },
  'form.selfCheck': { zh: '支部自评', en: 'Self-check' },
  'form.targetStars': { zh: '拟创星级', en: 'Stars claimed' },
  'form.points': { zh: '满分 {points}', en: 'max {points}' },
  'form.task': { zh: '重点任务', en: 'Key task' },
  'form.score': { zh: '得分', en: 'Score' },
  'form.selfCheckHint': {
    zh: '逐项填写本支部的自评得分；退回修改时，保留您上次提交的分数。',
    en: 'Score your branch on each task; after a return, your last submitted scores are kept.',
  },
  'form.observationHint': {
    zh: '观摩评分须独立打分：不预填、也不显示村自评分数，请逐项填写；提交过的显示您上次的评分，再次提交将替换它。',
    en: 'Score independently: the self-check scores are neither prefilled nor shown. Once submitted, your last sheet is shown; submitting again replaces it.',
  },
  'form.score.notNumber': { zh: '请填写数字', en: 'Enter a number' },
  'form.score.notInteger': { zh: '得分应为整数', en: 'Enter a whole number' },
  'form.score.negative': { zh: '得分不能小于0', en: 'The score cannot be below 0' },
  'form.score.tooHigh': {
    zh: '得分不能超过该项满分 {points} 分',
    en: 'The score cannot exceed the task’s {points} points',
  },
  'form.missing': { zh: '尚缺材料', en: 'Still missing' },
  'form.noneMissing': { zh: '材料已齐全', en: 'Nothing missing' },
  'form.notes': { zh: '说明', en: 'Notes' },
  'form.review': { zh: '审核', en: 'Review' },
  'form.approve': { zh: '通过', en: 'Approve' },
  'form.return': { zh: '退回', en: 'Return' },
  'form.decision': { zh: '审核结论', en: 'Decision' },
  'form.returnTo': { zh: '退回到', en: 'Return to' },
  'form.reasons': { zh: '理由（每行一条）', en: 'Reasons (one per line)' },
  'form.findings': {
    zh: '发现的问题（授星后限期整改，每行一条，可不填）',
    en: 'Findings to rectify after the award (one per line, optional)',
  },
  'form.starApproved': { zh: '通过', en: 'Approved' },
  'form.observation': { zh: '观摩评分', en: 'Observation sheet' },
  'form.closeObservation': { zh: '结束观摩', en: 'Close observation' },
  'form.award': { zh: '确认评定结果', en: 'Confirm the award' },
  'form.rectification': { zh: '提交整改材料', en: 'Submit rectification' },
  'form.verify': { zh: '核验整改', en: 'Verify rectification' },
  'form.description': { zh: '整改情况', en: 'What was done' },
  'form.accepted': { zh: '整改到位，予以销号', en: 'Done: close it out' },
  'form.rejected': { zh: '整改不到位，退回重新整改', en: 'Not done: send it back' },
  'form.closeOut': { zh: '销号', en: 'Close out' },
  'form.sendBack': { zh: '退回整改', en: 'Send back' },
  'form.saved': { zh: '已提交', en: 'Submitted' },
});

register({
  'finding.awaiting_evidence': { zh: '待提交整改材料', en: 'Awaiting evidence' },
  'finding.awaiting_verification': { zh: '待核验', en: 'Awaiting verification' },
  'finding.closed': { zh: '已销号', en: 'Closed' },
  'finding.source': { zh: '{step}时提出', en: 'Raised at {step}' },
  'finding.history.evidence': { zh: '提交整改材料', en: 'Evidence submitted' },
  'finding.history.rejected': { zh: '核验未通过', en: 'Refused' },
  'finding.history.closed': { zh: '核验通过，已销号', en: 'Accepted and closed out' },
  'finding.files': {
    zh: '整改照片或材料（可多选，上传后列入本页佐证材料）',
    en: 'Photos or files (several allowed; listed with the evidence on this page)',
  },
});

register({
  'detail.submitted': { zh: '已提交', en: 'submitted' },
  'detail.approved': { zh: '通过', en: 'approved' },
  'detail.observed': { zh: '观摩结束', en: 'observation closed' },
  'detail.awarded': { zh: '已确认评定', en: 'award confirmed' },
  'form.sheets': { zh: '已收到评分表 {count} 份', en: '{count} score sheets in' },
});

/**
 * Codes the server sends, as the console shows them (read them with `label(group, value)` from i18n.ts;
 * the admin's directory import shows its row outcomes with `label('importOutcome', outcome)`).
 */
register({
  ...fromContracts('branchType', BRANCH_TYPE_LABELS, {
    rural: 'Rural',
    urban: 'Urban community',
    organ: 'Organ',
    enterprise: 'Enterprise',
  }),
  ...prefixed('importOutcome', {
    created: { zh: '新建', en: 'Created' },
    updated: { zh: '已更新', en: 'Updated' },
    unchanged: { zh: '无变化', en: 'Unchanged' },
    rejected: { zh: '未导入', en: 'Rejected' },
  }),
  ...prefixed('catalogOutcome', {
    new: { zh: '可导入为新版本', en: 'Can be imported as a new version' },
    created: { zh: '已导入为新版本', en: 'Imported as a new version' },
    unchanged: { zh: '与已存版本相同，无需导入', en: 'Same as the stored version' },
    conflict: { zh: '与已存版本冲突', en: 'Conflicts with a stored version' },
  }),
  ...prefixed('webhookKind', {
    wecom: { zh: '企业微信', en: 'WeCom' },
    dingtalk: { zh: '钉钉', en: 'DingTalk' },
  }),
  ...prefixed('deliveryStatus', {
    pending: { zh: '待发送', en: 'Pending' },
    sent: { zh: '已送达', en: 'Sent' },
    failed: { zh: '发送失败（将重试）', en: 'Failed (will retry)' },
    dead: { zh: '已放弃', en: 'Given up' },
  }),
  ...prefixed('channel', {
    webhook: { zh: '群机器人', en: 'Webhook' },
    email: { zh: '邮件', en: 'Email' },
    sms: { zh: '短信', en: 'SMS' },
  }),
  // The notice kinds' Chinese is the contracts' (the digest and the preferences page say the same).
  ...fromContracts('notice', NOTICE_KIND_LABELS, {
    step_opened: 'New task',
    reminder: 'Reminder',
    overdue: 'Overdue',
    escalation: 'Escalation',
    urge: 'Urged',
    extension_requested: 'Extension requested',
    extension_decided: 'Extension decided',
    withdrawn: 'Withdrawn',
    public_notice: 'Public notice',
    revocation_proposed: 'Revocation proposed',
    star_revoked: 'Star revoked',
    award_published: 'Award published',
    bulletin: 'Bulletin',
    deadline_replanned: 'Deadline recounted',
    system_fault: 'System fault',
  }),
  ...prefixed('taskKind', {
    step: { zh: '环节办理', en: 'Step' },
    rectification_evidence: { zh: '提交整改材料', en: 'Rectification evidence' },
    rectification_verify: { zh: '核验整改', en: 'Verify a rectification' },
    extension_decision: { zh: '延期审批', en: 'Extension decision' },
    revocation_decision: { zh: '摘星审批', en: 'Revocation decision' },
  }),
});

// The coordinator's start-round form: catalog versions, townships, the escalation ladder, policies.
register({
  'start.catalogVersion': { zh: '{title} · 第{version}版', en: '{title} · v{version}' },
  'start.catalogInForce': { zh: '{title} · 第{version}版（现行）', en: '{title} · v{version} (in force)' },
  'start.all': { zh: '全选', en: 'All' },
  'start.none': { zh: '全不选', en: 'None' },
  'start.townshipsChosen': {
    zh: '已选 {townships} 个乡镇，共 {branches} 个支部',
    en: '{townships} townships chosen, {branches} branches',
  },
  'start.branchCount': { zh: '{n} 个支部', en: '{n} branches' },
  'start.ladder': { zh: '逾期督办层级与政策', en: 'Escalation ladder and policies' },
  'start.rungAfter': { zh: '逾期后（工作日）', en: 'Working days overdue' },
  'start.rungRole': { zh: '通知角色', en: 'Notify role' },
  'start.rungScope': { zh: '通知范围', en: 'At' },
  'start.scope.branch': { zh: '本支部', en: 'The branch' },
  'start.scope.township': { zh: '所属乡镇', en: 'Its township' },
  'start.scope.county': { zh: '所属县', en: 'Its county' },
  'start.scope.city': { zh: '所属市（市级督办）', en: 'Its city' },
  'start.scope.province': { zh: '全省（省级督办）', en: 'The province' },
  'start.policy.revocation': {
    zh: '整改末级督办仍未完成时，向专班提出摘星建议',
    en: 'At the last rung of a failing rectification, propose revoking a star',
  },
  'start.policy.capstone': {
    zh: '支部过硬星须同时获得其他各星',
    en: 'The branch star only together with every other star',
  },
  'start.uncovered': {
    zh: '期限落在日历尚未加载的年份时',
    en: 'Deadlines in a year not yet in the calendar',
  },
  ...fromContracts('uncoveredYear', UNCOVERED_YEAR_LABELS, {
    refuse: 'Do not start (load that year’s calendar first)',
    'weekdays-provisional': 'Count Monday–Friday for now, recount once loaded',
  }),
  'start.uncoveredHint': {
    zh: '次年节假日安排通常于年底公布：暂按周一至周五计算的期限标有“暂按工作日计算”，管理员加载该年日历后自动重新计算。',
    en: 'Next year’s holidays are usually published late in the year: deadlines counted Monday–Friday are marked so and recounted once an administrator loads that year.',
  },
  'start.uncoveredRefused': {
    zh: '需用到{years}年的工作日历，该年节假日安排尚未加载',
    en: 'Needs the {years} working-day calendar, which is not loaded yet',
  },
  'start.provisionalDue': { zh: '暂按工作日', en: 'Weekdays for now' },
});
