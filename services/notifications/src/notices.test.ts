import { parseEvent, type FivestarEvent } from '@fivestar/contracts';
import { faultNoticeText } from './faults';
import { noticeFor } from './notices';

const BRANCH = '410102001001';
const TOWNSHIP = '410102001';

function event(type: FivestarEvent['type'], data: unknown, branchId: string | null = BRANCH): FivestarEvent {
  return parseEvent({
    id: `round/r1/branch/${BRANCH}#1`,
    type,
    version: 1,
    occurredAt: '2025-06-01T02:00:00.000Z',
    roundId: 'r-2025',
    branchId,
    jurisdiction: branchId ?? TOWNSHIP,
    actor: null,
    data,
  });
}

const work = {
  key: 'w-1',
  kind: 'step',
  title: '东村：乡镇审核',
  group: { role: 'township_reviewer', jurisdiction: TOWNSHIP },
  deadline: '2025-06-14T10:00:00.000Z',
};

describe('noticeFor', () => {
  it('step_opened → a to-do for the work group with the deadline', () => {
    expect(noticeFor(event('branch.step_opened', { step: 'TOWNSHIP_REVIEW', attempt: 1, work }))).toEqual({
      kind: 'step_opened',
      title: '待办：东村：乡镇审核',
      body: '东村：乡镇审核，请于2025-06-14 18:00前办理。',
      groups: [work.group],
      workKey: 'w-1',
      escalationLevel: null,
    });
  });

  it('marks a reworked step', () => {
    const selfCheck = {
      ...work,
      title: '东村：村自评',
      group: { role: 'village_secretary', jurisdiction: BRANCH },
    };
    const n = noticeFor(event('branch.step_opened', { step: 'SELF_CHECK', attempt: 2, work: selfCheck }));
    expect(n?.body).toBe('东村：村自评（退回后第2次办理），请于2025-06-14 18:00前办理。');
  });

  it('reminder, overdue and escalation of a step', () => {
    const ref = {
      step: 'TOWNSHIP_REVIEW',
      attempt: 1,
      workKey: 'w-1',
      title: work.title,
      deadline: work.deadline,
      group: work.group,
    };
    const reminder = noticeFor(event('branch.step_reminder', ref));
    expect(reminder).toMatchObject({
      kind: 'reminder',
      title: '催办提醒：乡镇审核',
      workKey: 'w-1',
      groups: [work.group],
    });
    expect(reminder?.body).toBe('东村：乡镇审核将于2025-06-14 18:00到期，请抓紧办理。');

    const overdue = noticeFor(event('branch.step_overdue', ref));
    expect(overdue).toMatchObject({ kind: 'overdue', title: '逾期提醒：乡镇审核', groups: [work.group] });
    expect(overdue?.body).toBe('东村：乡镇审核已于2025-06-14 18:00到期，至今未办理，请立即办理。');

    const county = { role: 'coordinator', jurisdiction: '410102' } as const;
    const escalated = noticeFor(event('branch.step_escalated', { ...ref, level: 'yellow', group: county }));
    expect(escalated).toEqual({
      kind: 'escalation',
      title: '黄色督办单（挂牌督办）：乡镇审核',
      body: '东村：乡镇审核逾期未办理，现发出黄色督办单（挂牌督办），请督促落实。',
      groups: [county],
      workKey: 'w-1',
      escalationLevel: 'yellow',
    });
  });

  it('rectification steps go to the work group of the step (owner or verifier)', () => {
    const owner = { role: 'village_secretary', jurisdiction: BRANCH } as const;
    const ownerWork = {
      ...work,
      key: 'f-1#1',
      kind: 'rectification_evidence',
      title: '整改：村务公开栏未更新',
      group: owner,
    };
    expect(
      noticeFor(
        event('rectification.opened', { findingId: 'f-1', title: '村务公开栏未更新', work: ownerWork }),
      ),
    ).toMatchObject({
      kind: 'step_opened',
      groups: [owner],
      title: '待办：整改：村务公开栏未更新',
      body: '限期整改：村务公开栏未更新。请于2025-06-14 18:00前完成整改并提交佐证材料。',
    });

    const verifyWork = {
      ...work,
      key: 'f-1#v1',
      kind: 'rectification_verify',
      title: '核验整改：村务公开栏未更新',
    };
    const submitted = noticeFor(
      event('rectification.evidence_submitted', {
        findingId: 'f-1',
        closes: 'f-1#1',
        description: '已更新公开栏并拍照',
        work: verifyWork,
      }),
    );
    expect(submitted).toMatchObject({ kind: 'step_opened', groups: [work.group], workKey: 'f-1#v1' });
    expect(submitted?.body).toBe('整改佐证材料已提交：已更新公开栏并拍照。请于2025-06-14 18:00前完成核验。');

    const rejected = noticeFor(
      event('rectification.rejected', {
        findingId: 'f-1',
        closes: 'f-1#v1',
        reasons: ['照片不清晰', '缺少签字'],
        work: ownerWork,
      }),
    );
    expect(rejected).toMatchObject({ kind: 'step_opened', groups: [owner] });
    expect(rejected?.body).toBe(
      '整改未通过核验，退回原因：照片不清晰；缺少签字。请于2025-06-14 18:00前重新整改并提交。',
    );
  });

  it('rectification reminder, overdue and escalation', () => {
    const owner = { role: 'village_secretary', jurisdiction: BRANCH } as const;
    const base = {
      findingId: 'f-1',
      workKey: 'f-1#1',
      title: '东村：整改——村务公开栏未更新',
      deadline: work.deadline,
      group: owner,
    };
    expect(noticeFor(event('rectification.reminder', base))).toMatchObject({
      kind: 'reminder',
      title: '催办提醒：整改事项',
      body: '东村：整改——村务公开栏未更新（问题编号 f-1）将于2025-06-14 18:00到期，请抓紧办理。',
      groups: [owner],
      workKey: 'f-1#1',
    });
    expect(noticeFor(event('rectification.overdue', base))).toMatchObject({
      kind: 'overdue',
      title: '逾期提醒：整改事项',
      body: '东村：整改——村务公开栏未更新（问题编号 f-1）已于2025-06-14 18:00到期，至今未办结，请立即办理。',
      groups: [owner],
    });
    const county = { role: 'coordinator', jurisdiction: '410102' } as const;
    expect(noticeFor(event('rectification.escalated', { ...base, level: 'red', group: county }))).toEqual({
      kind: 'escalation',
      title: '红色督办单：整改事项',
      body: '东村：整改——村务公开栏未更新（问题编号 f-1）逾期未办结，现发出红色督办单，请督促落实。',
      groups: [county],
      workKey: 'f-1#1',
      escalationLevel: 'red',
    });
  });

  it('award → the branch secretaries, with the star names', () => {
    const catalog = { id: 'rural-default', version: 1 };
    const stars = [
      { code: 'industry', name: '产业兴旺星' },
      { code: 'ecology', name: '生态宜居星' },
      { code: 'safety', name: '平安法治星' },
    ];
    expect(noticeFor(event('branch.awarded', { level: 3, stars, catalog }))).toEqual({
      kind: 'award_published',
      title: '评星结果：三星级支部',
      body: '本支部获评三星级：产业兴旺星、生态宜居星、平安法治星。',
      groups: [{ role: 'village_secretary', jurisdiction: BRANCH }],
      workKey: null,
      escalationLevel: null,
    });
    expect(noticeFor(event('branch.awarded', { level: 0, stars: [], catalog }))).toMatchObject({
      title: '评星结果：未获评星级',
      body: '本支部本轮未获评星级。',
    });
    expect(noticeFor(event('branch.awarded', { level: 0, stars: [], catalog }, null))).toBeNull();
  });

  it('a county bulletin → the coordinators and every township reviewer inside the county', () => {
    const county = TOWNSHIP.slice(0, 6);
    const data = {
      bulletinId: `bulletin/${county}/2026-02`,
      countyCode: county,
      roundId: null,
      period: '2026-02',
      title: '2026年2月排名通报',
      url: `/api/bulletins/${county}/2026-02?format=html`,
    };
    expect(noticeFor(event('ranking.bulletin_published', data, null))).toEqual({
      kind: 'bulletin',
      title: '通报：2026年2月排名通报',
      body: `2026-02 月度排名通报已发布：/api/bulletins/${county}/2026-02?format=html`,
      groups: [
        { role: 'coordinator', jurisdiction: county },
        { role: 'township_reviewer', jurisdiction: county, inside: true },
      ],
      workKey: null,
      escalationLevel: null,
    });
  });

  it('a city’s or the province’s bulletin → the coordinators of the area and of every level inside it', () => {
    const data = {
      bulletinId: 'bulletin/41/2026-02',
      countyCode: '41',
      roundId: null,
      period: '2026-02',
      title: '河南省2026年2月五星支部创建排名通报',
      url: '/api/bulletins/41/2026-02?format=html',
    };
    expect(noticeFor(event('ranking.bulletin_published', data, null))?.groups).toEqual([
      { role: 'coordinator', jurisdiction: '41', inside: true },
    ]);
  });

  it('ignores events nobody is told about', () => {
    expect(noticeFor(event('branch.closed', { step: 'CLOSED', level: 3 }))).toBeNull();
    expect(noticeFor(event('rectification.closed', { findingId: 'f-1', closes: 'f-1#v1' }))).toBeNull();
  });

  describe('urges, extensions and withdrawal', () => {
    const secretary = { role: 'village_secretary', jurisdiction: BRANCH };
    const ref = { step: 'SELF_CHECK', attempt: 1, workKey: 'w-sc', title: '东村：村自评' };

    it('an urge goes to whoever owes the work, with the note', () => {
      const n = noticeFor(
        event('work.urged', { ...ref, deadline: work.deadline, group: secretary, note: '本周内完成' }),
      );
      expect(n).toEqual({
        kind: 'urge',
        title: '催办：东村：村自评',
        body: '上级催办：东村：村自评，期限2025-06-14 18:00。附言：本周内完成',
        groups: [secretary],
        workKey: 'w-sc',
        escalationLevel: null,
      });
    });

    it('an extension request is a to-do for the approver; the decision goes back to the requester', () => {
      const approval = {
        ...work,
        key: 'w-sc/extension/1',
        kind: 'extension_decision',
        title: '延期申请：东村：村自评',
      };
      const asked = noticeFor(
        event('work.extension_requested', {
          ...ref,
          currentDeadline: work.deadline,
          requestedDeadline: '2025-06-20T10:00:00.000Z',
          reasons: ['换届'],
          work: approval,
        }),
      );
      expect(asked).toMatchObject({
        kind: 'extension_requested',
        groups: [work.group],
        workKey: 'w-sc/extension/1',
      });
      expect(asked?.body).toBe(
        '申请将“东村：村自评”的期限由2025-06-14 18:00延至2025-06-20 18:00，理由：换届。',
      );
      const refused = noticeFor(
        event('work.extension_decided', {
          ...ref,
          closes: 'w-sc/extension/1',
          approved: false,
          reasons: ['理由不充分'],
          deadline: work.deadline,
          group: secretary,
        }),
      );
      expect(refused).toMatchObject({
        kind: 'extension_decided',
        title: '延期申请未同意：东村：村自评',
        groups: [secretary],
      });
      expect(refused?.body).toContain('理由不充分');
    });

    it('a withdrawal tells the branch why', () => {
      const n = noticeFor(
        event('branch.withdrawn', {
          step: 'SELF_CHECK',
          attempt: 1,
          closes: 'w-sc',
          reason: '逾期未提交自评',
        }),
      );
      expect(n).toMatchObject({ kind: 'withdrawn', body: '逾期未提交自评', groups: [secretary] });
    });

    it('a re-planned deadline tells the group that owes the work its new deadline', () => {
      const replanned = {
        step: 'SELF_CHECK',
        attempt: 1,
        workKey: 'w-sc',
        title: '东村：村自评',
        deadline: '2027-01-12T10:00:00.000Z',
        group: secretary,
        previousDeadline: '2027-01-08T10:00:00.000Z',
      };
      expect(noticeFor(event('work.replanned', { ...replanned, provisional: false }))).toEqual({
        kind: 'deadline_replanned',
        title: '期限调整：东村：村自评',
        body: '“东村：村自评”的期限已按新加载的工作日历调整为2027-01-12 18:00（原为2027-01-08 18:00）。',
        groups: [secretary],
        workKey: 'w-sc',
        escalationLevel: null,
      });
      expect(noticeFor(event('work.replanned', { ...replanned, provisional: true }))?.body).toContain(
        '仍暂按工作日计算',
      );
    });
  });

  it('fault events are not per-event notices (faults.ts tells administrators once)', () => {
    const ref = { workflowId: 'wf', activityId: '3', activityType: 'planSupervision', attempt: 3 };
    const failing = { ...ref, message: 'x', calendar: { calendarId: 'cn-mainland', year: 2027 } };
    expect(noticeFor(event('system.activity_failing', failing))).toBeNull();
    expect(noticeFor(event('system.activity_recovered', ref))).toBeNull();
  });
});

describe('faultNoticeText', () => {
  it('names the missing calendar year and where to load it', () => {
    const t = faultNoticeText({ calendarId: 'cn-mainland', year: 2027 });
    expect(t.title).toBe('工作日历缺少2027年数据');
    expect(t.body(30)).toBe(
      '工作日历缺少2027年数据，30个支部的期限暂停计算，请在系统管理→工作日历中加载2027年的节假日安排。',
    );
  });

  it('says what any other failure means for the branches, without naming code', () => {
    const t = faultNoticeText(null);
    expect(t.title).toBe('系统处理异常');
    expect(t.body(2)).toBe(
      '2个支部的流程因后台处理反复失败而暂停推进，系统正在自动重试；如长时间未恢复，请联系技术支持。',
    );
  });
});
