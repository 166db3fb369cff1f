export { assessmentRound } from './assessment-round';
export { branchAssessment } from './branch-assessment';
export { rectification } from './rectification';
export { periodicJob } from './periodic-job';
export { calendarReplan } from './calendar-replan';
