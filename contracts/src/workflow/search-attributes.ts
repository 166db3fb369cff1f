import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes registered in the namespace by infra/temporal.sh. */
export const RoundIdKey = defineSearchAttributeKey('FivestarRoundId', SearchAttributeType.KEYWORD);
export const BranchCodeKey = defineSearchAttributeKey('FivestarBranchCode', SearchAttributeType.KEYWORD);
export const TownshipCodeKey = defineSearchAttributeKey('FivestarTownshipCode', SearchAttributeType.KEYWORD);
export const StepKey = defineSearchAttributeKey('FivestarStep', SearchAttributeType.KEYWORD);
/** Years a workflow's open work was planned in provisionally (weekdays): the ones to re-plan when loaded. */
export const ProvisionalYearsKey = defineSearchAttributeKey(
  'FivestarProvisionalYears',
  SearchAttributeType.KEYWORD_LIST,
);
