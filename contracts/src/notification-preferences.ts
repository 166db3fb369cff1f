import { z } from 'zod';
import { NoticeKind, Viewer } from './requests';

// ---- notifications: per-user preferences (email / SMS) and the daily digest ------------------------

/** The short name of each notice kind, as a digest counts them (逾期 2 条、督办 1 条). */
export const NOTICE_KIND_LABELS: Record<NoticeKind, string> = {
  step_opened: '待办',
  reminder: '到期提醒',
  overdue: '逾期',
  escalation: '督办',
  urge: '催办',
  extension_requested: '延期申请',
  extension_decided: '延期审批',
  withdrawn: '退出创建',
  public_notice: '公示',
  revocation_proposed: '摘星审议',
  star_revoked: '摘星',
  award_published: '评星结果',
  bulletin: '通报',
  deadline_replanned: '期限调整',
  system_fault: '系统异常',
};

/** The channels a user may add to the inbox (which always gets every notice). */
export const ExtraChannel = z.enum(['email', 'sms']);
export type ExtraChannel = z.infer<typeof ExtraChannel>;

/** `immediate`: sent as the notice arrives; `digest`: counted in the daily digest instead. */
export const DeliveryMode = z.enum(['immediate', 'digest']);
export type DeliveryMode = z.infer<typeof DeliveryMode>;

export const KindPreference = z.object({
  mode: DeliveryMode,
  channels: z
    .array(ExtraChannel)
    .min(1, '至少选择一个渠道')
    .refine((cs) => new Set(cs).size === cs.length, '渠道不能重复'),
});
export type KindPreference = z.infer<typeof KindPreference>;

/** Mainland mobile number (11 digits, 13x–19x). */
export const MobileNumber = z.string().regex(/^1[3-9]\d{9}$/, '手机号码格式不正确');

const PreferencesShape = z.object({
  email: z.email('邮箱地址格式不正确').max(254).nullable().default(null),
  mobile: MobileNumber.nullable().default(null),
  /** Kinds left out reach the inbox only. Keys checked one by one, so an unknown kind is named. */
  kinds: z.partialRecord(z.string().pipe(NoticeKind), KindPreference).default({}),
});

/** A kind sent by email needs an email address, by SMS a mobile number (one issue per missing field). */
function requireAddresses(p: z.output<typeof PreferencesShape>, ctx: z.RefinementCtx): void {
  const needs = (channel: ExtraChannel) =>
    (Object.keys(p.kinds) as NoticeKind[])
      .filter((k) => p.kinds[k]?.channels.includes(channel))
      .map((k) => NOTICE_KIND_LABELS[k]);
  const email = needs('email');
  if (email.length && !p.email)
    ctx.addIssue({
      code: 'custom',
      path: ['email'],
      message: `${email.join('、')}选择了邮件，请填写邮箱地址`,
    });
  const sms = needs('sms');
  if (sms.length && !p.mobile)
    ctx.addIssue({
      code: 'custom',
      path: ['mobile'],
      message: `${sms.join('、')}选择了短信，请填写手机号码`,
    });
}

/** A user's notification preferences; a user who never set any has the default (inbox only). */
export const NotificationPreferences = PreferencesShape.superRefine(requireAddresses);
export type NotificationPreferences = z.infer<typeof NotificationPreferences>;
export type NotificationPreferencesBody = z.input<typeof NotificationPreferences>;

export const PreferencesRequest = z.object({ viewer: Viewer });
export type PreferencesRequest = z.input<typeof PreferencesRequest>;
/** Replaces the viewer's own preferences whole. */
export const SetPreferencesRequest = PreferencesShape.extend({ viewer: Viewer }).superRefine(
  requireAddresses,
);
export type SetPreferencesRequest = z.input<typeof SetPreferencesRequest>;

/** A calendar day in Asia/Shanghai, `YYYY-MM-DD`, that exists. */
export const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为YYYY-MM-DD')
  .refine((d) => {
    // An impossible date (2026-13-45) is an Invalid Date, whose toISOString() would throw.
    const t = Date.parse(`${d}T00:00:00Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().startsWith(d);
  }, '日期不存在');
export type Day = z.infer<typeof Day>;

/** Sends the digest of `day` (once per user, day and channel; a day not yet over is `conflict`). */
export const SendDigestsRequest = z.object({ day: Day });
export type SendDigestsRequest = z.input<typeof SendDigestsRequest>;
export const SendDigestsResult = z.object({
  day: z.string(),
  /** Users who got a new digest message from this call. */
  users: z.number().int(),
  /** Digest messages recorded by this call (0 when the day's digests were all sent before). */
  messages: z.number().int(),
});
export type SendDigestsResult = z.infer<typeof SendDigestsResult>;
