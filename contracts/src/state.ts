import type { AwardDecision, Person } from './award-record';
import type { EvidenceFile, EvidenceRef } from './commands';
import type { HumanStep, ReviewStep, Step } from './cycle';
import type { Actor } from './directory';
import type { Signer } from './permissions';
import type { EscalationLevel, SpotCheckDraw } from './round';

/** One entry of a branch's timeline: who signed or returned which step, when, and why. */
export interface TimelineEntry {
  step: Step;
  attempt: number;
  action: 'opened' | 'signed' | 'returned' | 'reminded' | 'overdue' | 'escalated' | 'closed';
  at: string;
  actor: Pick<Actor, 'userId' | 'name' | 'role'> | null;
  detail?: string;
  reasons?: string[];
}

export interface RectificationSummary {
  findingId: string;
  workflowId: string;
  title: string;
  source: HumanStep;
}

export interface StarVerdictRecord {
  star: string;
  approved: boolean;
  reasons: string[];
  reviewer: Person;
}

/** What the `state` query of `branchAssessment` answers. */
export interface BranchState {
  roundId: string;
  branchCode: string;
  step: Step;
  attempt: number;
  /** The open step's deadline; null between steps (the next one is being planned) and when done. */
  deadline: string | null;
  /** The open step's deadline counted on weekdays in a year not loaded yet (暂按工作日计算); absent: not. */
  provisional?: boolean;
  targetStars: string[];
  selfCheck: { scores: Record<string, number>; notes: string | null; evidence: EvidenceRef[] } | null;
  /** Each review level's latest verdict per claimed star (市复核 and 省抽查 of the latest pass only). */
  reviews: Partial<Record<ReviewStep, StarVerdictRecord[]>>;
  /**
   * Who signs the open step under the round's chain (the award's: the task force naming its level; in 公示,
   * who decides objections). Absent in workflows started before chain templates (the default signers).
   */
  signers?: Signer[];
  /** 省抽查: the latest draw for this branch; absent when the round's chain has no spot-check. */
  spotCheck?: SpotCheckDraw;
  /** Veto conditions found to hold, by whom and at which step. */
  vetoes: { vetoCode: string; foundBy: Person; step: Step; note: string }[];
  /** The on-site observation team's score sheets (one per observer, the latest kept). */
  observation: { sheets: { observer: Person; scores: Record<string, number> }[]; closedBy: Person | null };
  /** 摘星 proposals from failing rectifications and the coordinator's decisions on them. */
  revocations: {
    findingId: string;
    star: string | null;
    title: string;
    status: 'proposed' | 'confirmed' | 'dismissed';
    revoked: string[];
    reasons: string[];
  }[];
  /** The award decision record, explaining every star; null until the award is confirmed. */
  award: AwardDecision | null;
  level: number | null;
  /** Not participating this round (the round's policy for a self-check never submitted). */
  withdrawn: boolean;
  findings: RectificationSummary[];
  timeline: TimelineEntry[];
}

export interface RectificationState {
  findingId: string;
  title: string;
  status: 'awaiting_evidence' | 'awaiting_verification' | 'closed';
  round: number;
  deadline: string;
  /** The deadline counted on weekdays in a year not loaded yet (暂按工作日计算); absent: not. */
  provisional?: boolean;
  escalationLevel: EscalationLevel | null;
  /** Each submission, oldest first, with its files (none in submissions made before files existed). */
  evidence: { description: string; files: EvidenceFile[]; at: string; by: string }[];
  rejections: { reasons: string[]; at: string; by: string }[];
  closedAt: string | null;
}
