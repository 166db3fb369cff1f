import { z } from 'zod';
import { sha256Hex } from './digest';
import { HumanStep } from './cycle';
import { Actor } from './directory';

const Reasons = z.array(z.string().trim().min(1).max(500)).min(1, '请填写理由').max(20);
const TaskScores = z.record(z.string().regex(/^[A-Z][A-Z0-9.-]{0,23}$/), z.number().int().min(0).max(100));
const NewFinding = z.object({ title: z.string().trim().min(1).max(200), star: z.string().optional() });

const EvidenceRef = z.object({
  /** The catalog's evidence requirement this file answers. */
  requirement: z.string().regex(/^[A-Z][A-Z0-9.-]{0,23}$/),
  sha256: sha256Hex('应为上传后返回的sha256'),
  filename: z.string().trim().min(1).max(200),
});
export type EvidenceRef = z.infer<typeof EvidenceRef>;

export const SubmitSelfCheck = z.object({
  /** Self-scores per task code. */
  scores: TaskScores,
  /** 拟创星级: the star codes the branch aims for. */
  targetStars: z.array(z.string().min(1)).min(1, '至少申报一颗星').max(10),
  notes: z.string().max(2000).optional(),
  /** Uploaded evidence files (see the evidence upload route), each for one requirement. */
  evidence: z.array(EvidenceRef).max(1000).default([]),
});
export type SubmitSelfCheck = z.infer<typeof SubmitSelfCheck>;

/** A reviewer's word on one claimed star. */
export const StarVerdict = z
  .object({ star: z.string().min(1), approved: z.boolean(), reasons: Reasons.optional() })
  .refine((v) => v.approved || v.reasons, { path: ['reasons'], message: '不通过时必须填写理由' });
export type StarVerdict = z.infer<typeof StarVerdict>;

/** A veto condition (一票否决) a reviewer or observer found to hold. */
export const VetoFound = z.object({
  vetoCode: z.string().regex(/^[A-Z][A-Z0-9.-]{0,23}$/),
  note: z.string().trim().min(1).max(1000),
});
export type VetoFound = z.infer<typeof VetoFound>;

export const Review = z
  .object({
    decision: z.enum(['approve', 'return']),
    /** When approving: a verdict on every claimed star. */
    stars: z.array(StarVerdict).max(10).default([]),
    vetoes: z.array(VetoFound).max(50).default([]),
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

/** One observer's score sheet; a later sheet from the same observer replaces the earlier one. */
export const RecordObservation = z.object({
  scores: TaskScores,
  vetoes: z.array(VetoFound).max(50).default([]),
  findings: z.array(NewFinding).max(50).default([]),
});
export type RecordObservation = z.infer<typeof RecordObservation>;

/** The team lead closes the on-site observation once the quorum of sheets is in. */
export const CloseObservation = z.object({ notes: z.string().max(2000).optional() });
export type CloseObservation = z.infer<typeof CloseObservation>;

export const ConfirmAward = z.object({ notes: z.string().max(2000).optional() });
export type ConfirmAward = z.infer<typeof ConfirmAward>;

/** An uploaded file cited for no particular requirement (a rectification's photos and documents). */
const EvidenceFile = EvidenceRef.omit({ requirement: true });
export type EvidenceFile = z.infer<typeof EvidenceFile>;

/** 整改材料: what was done, the files showing it, or both. */
export const SubmitRectificationEvidence = z
  .object({
    description: z.string().trim().max(4000, '整改情况不能超过4000字').default(''),
    /** Files this branch uploaded in this round (see the evidence upload route). */
    evidence: z.array(EvidenceFile).max(20, '一次最多提交20个文件').default([]),
  })
  .refine((c) => c.description !== '' || c.evidence.length > 0, {
    path: ['description'],
    message: '请写明整改情况或上传整改材料',
  });
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

/** 公示异议: an objection the county upholds sends the branch back to a step for re-review. */
export const UpholdObjection = z.object({ returnTo: HumanStep, reasons: Reasons });
export type UpholdObjection = z.infer<typeof UpholdObjection>;

/** The coordinator's decision on a proposed star revocation (摘星). */
export const DecideRevocation = z
  .object({
    confirm: z.boolean(),
    /** The star to revoke, when the finding named none. */
    star: z.string().min(1).optional(),
    reasons: Reasons.optional(),
  })
  .refine((d) => d.confirm || d.reasons, { path: ['reasons'], message: '驳回摘星建议时必须填写理由' });
export type DecideRevocation = z.infer<typeof DecideRevocation>;
