import { z } from 'zod';
import { HumanStep } from './cycle';
import { Actor } from './directory';

const Reasons = z.array(z.string().trim().min(1).max(500)).min(1, '请填写理由').max(20);
const TaskScores = z.record(z.string().regex(/^[A-Z0-9.-]{1,20}$/), z.number().int().min(0).max(100));
const NewFinding = z.object({ title: z.string().trim().min(1).max(200), star: z.string().optional() });

export const SubmitSelfCheck = z.object({
  scores: TaskScores,
  /** 拟创星级: the star codes the branch aims for. */
  targetStars: z.array(z.string().min(1)).min(1, '至少申报一颗星').max(5),
  notes: z.string().max(2000).optional(),
});
export type SubmitSelfCheck = z.infer<typeof SubmitSelfCheck>;

export const Review = z
  .object({
    decision: z.enum(['approve', 'return']),
    /** Stars the reviewer lets through; omitted = all claimed stars. */
    approvedStars: z.array(z.string().min(1)).optional(),
    returnTo: HumanStep.optional(),
    reasons: Reasons.optional(),
    findings: z.array(NewFinding).max(50).default([]),
  })
  .superRefine((r, ctx) => {
    if (r.decision !== 'return') return;
    if (!r.returnTo)
      ctx.addIssue({ code: 'custom', path: ['returnTo'], message: '退回时必须指定退回到的环节' });
    if (!r.reasons) ctx.addIssue({ code: 'custom', path: ['reasons'], message: '退回时必须填写理由' });
  });
export type Review = z.infer<typeof Review>;

export const RecordObservation = z.object({
  scores: TaskScores,
  findings: z.array(NewFinding).max(50).default([]),
});
export type RecordObservation = z.infer<typeof RecordObservation>;

export const ConfirmAward = z.object({ notes: z.string().max(2000).optional() });
export type ConfirmAward = z.infer<typeof ConfirmAward>;

export const SubmitRectificationEvidence = z.object({ description: z.string().trim().min(1).max(4000) });
export type SubmitRectificationEvidence = z.infer<typeof SubmitRectificationEvidence>;

export const VerifyRectification = z
  .object({ accepted: z.boolean(), reasons: Reasons.optional() })
  .refine((v) => v.accepted || v.reasons, { path: ['reasons'], message: '不予销号时必须填写理由' });
export type VerifyRectification = z.infer<typeof VerifyRectification>;

/** What a workflow Update receives: the command plus the authenticated actor. */
export type Signed<T> = T & { actor: Actor };

export const LoginRequest = z.object({
  username: z.string().min(1).max(100),
  password: z.string().min(1).max(200),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const Urge = z.object({ note: z.string().trim().max(500).optional() });
export type Urge = z.infer<typeof Urge>;

export const RequestExtension = z.object({
  requestedDeadline: z.iso.datetime({ offset: true }),
  reasons: Reasons,
});
export type RequestExtension = z.infer<typeof RequestExtension>;

export const DecideExtension = z
  .object({ approved: z.boolean(), reasons: Reasons.optional() })
  .refine((d) => d.approved || d.reasons, { path: ['reasons'], message: '不同意延期时必须填写理由' });
export type DecideExtension = z.infer<typeof DecideExtension>;
