export { createActivities, type Activities, type ActivityDeps } from './activities';
export { activityAlerts, ALERT_AT_ATTEMPT } from './activities/alerts';
export { decideAward, type AwardInput } from './rules/award';
export { supervisionPlan, type Milestone } from './rules/supervision-plan';
export {
  AwardInputError,
  DEFAULT_AWARD_RULES,
  REVIEW_LEVELS,
  type AwardDecision,
  type AwardRules,
  type CapstoneStatus,
  type LevelDecision,
  type ReviewLevel,
  type StarRecord,
  type StarReview,
  type VetoFinding,
  type VetoRecord,
  type WeakStatus,
} from './rules/award';
export {
  SCORING_RULES,
  addFractions,
  combineObservation,
  combineScores,
  compareFractions,
  formatFraction,
  fraction,
  fractionDistance,
  quorumMet,
  scoringRuleProblems,
  sheetProblems,
  toHundredths,
  type Fraction,
  type ObservationResult,
  type ObserverScore,
  type ObserverSheet,
  type Outlier,
  type Person,
  type ScoringRule,
  type ScoringRuleKind,
  type TaskObservation,
} from './rules/observation';
export { ensureSchedules, scheduleId, type ScheduleSetup } from './schedules';
