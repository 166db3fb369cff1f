export * from './definitions';
export * from './search-attributes';
export { createActivities, type Activities, type ActivityDeps } from './activities';
export { decideAward, type AwardInput } from './rules/award';
export { supervisionPlan, type Milestone } from './rules/supervision-plan';
