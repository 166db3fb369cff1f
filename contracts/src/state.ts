import type { HumanStep, Step } from './cycle';
import type { Actor } from './directory';
import type { EscalationLevel } from './round';

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

export interface StarDecision {
  code: string;
  name: string;
  claimed: boolean;
  approvedByReviews: boolean;
  score: number;
  threshold: number;
  awarded: boolean;
  why: string;
}

export interface RectificationSummary {
  findingId: string;
  workflowId: string;
  title: string;
  source: HumanStep;
}

/** What the `state` query of `branchAssessment` answers. */
export interface BranchState {
  roundId: string;
  branchCode: string;
  step: Step;
  attempt: number;
  deadline: string | null;
  targetStars: string[];
  stars: StarDecision[];
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
  escalationLevel: EscalationLevel | null;
  evidence: { description: string; at: string; by: string }[];
  rejections: { reasons: string[]; at: string; by: string }[];
  closedAt: string | null;
}
