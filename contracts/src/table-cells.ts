import { BranchType } from './directory';

/*
 * How spreadsheet cells that county offices fill in by hand are read: 是/否 and the branch types in
 * Chinese or as codes. Shared by the catalog workbook and the directory tables.
 */

export const BRANCH_TYPE_LABELS: Record<BranchType, string> = {
  rural: '农村',
  urban: '城市社区',
  organ: '机关',
  enterprise: '企业',
};

const BRANCH_TYPE_ALIASES: Record<string, BranchType> = {
  农村: 'rural',
  村: 'rural',
  城市社区: 'urban',
  社区: 'urban',
  机关: 'organ',
  企业: 'enterprise',
};

/** A branch type from its code or Chinese name; anything else is returned as written (for the schema's error). */
export function branchTypeFromText(text: string): string {
  const t = text.trim();
  return BRANCH_TYPE_ALIASES[t] ?? t;
}

export const yesNo = (b: boolean) => (b ? '是' : '否');

/** 是/否 and their usual spellings; undefined for anything else. */
export function parseYesNo(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (['是', 'y', 'yes', 'true', '1', '√'].includes(t)) return true;
  if (['否', 'n', 'no', 'false', '0', '×'].includes(t)) return false;
  return undefined;
}
