import {
  BranchType,
  type CatalogPick,
  type CatalogSummary,
  type CatalogVersionInfo,
  type CountyTownships,
} from '@fivestar/contracts';

/** What the start-round form reads of GET /api/catalogs (CatalogSummary): ids, types, versions' titles. */
export type CatalogListItem = Pick<CatalogSummary, 'id' | 'branchType' | 'inForce'> & {
  versions: Pick<CatalogVersionInfo, 'version' | 'title'>[];
};

/** A stored catalog version the picker offers. */
export interface CatalogChoice extends CatalogPick {
  title: string;
  inForce: boolean;
}

/** One picker row: a branch type and every stored version of its catalogs. */
export interface CatalogRow {
  branchType: BranchType;
  choices: CatalogChoice[];
}

export const pickKey = (p: CatalogPick) => `${p.id}@${p.version}`;

/** A row per branch type that has a catalog, in the contracts' type order (the request's order too). */
export function catalogRows(items: CatalogListItem[]): CatalogRow[] {
  return BranchType.options.flatMap((branchType) => {
    const choices = items
      .filter((c) => c.branchType === branchType)
      .flatMap((c) =>
        c.versions.map((v, i) => ({
          id: c.id,
          version: v.version,
          title: v.title,
          inForce: c.inForce && i === 0,
        })),
      );
    return choices.length ? [{ branchType, choices }] : [];
  });
}

/** The row's version: the one picked (by pickKey), else the one in force. */
export function chosenCatalog(row: CatalogRow, picked: Partial<Record<BranchType, string>>): CatalogChoice {
  const key = picked[row.branchType];
  return row.choices.find((c) => pickKey(c) === key) ?? row.choices.find((c) => c.inForce) ?? row.choices[0]!;
}

/**
 * The request's `catalogs`: one pick per row, in row order, so a problem at `catalogs.<i>` is row i's.
 * No rows (the list not loaded yet) sends none: the server pins those in force, the picker's defaults.
 */
export function toCatalogPicks(
  rows: CatalogRow[],
  picked: Partial<Record<BranchType, string>>,
): CatalogPick[] | undefined {
  if (rows.length === 0) return undefined;
  return rows.map((row) => {
    const { id, version } = chosenCatalog(row, picked);
    return { id, version };
  });
}

export type Township = CountyTownships['items'][number];

/**
 * The townships ticked, null meaning all (the default, before the list has even loaded). The request's
 * `townshipCodes`: absent when all are ticked (the whole county, as rounds always were), else the ticked
 * ones in directory order (none ticked gives [], which the contract refuses with its message).
 */
export function toTownshipCodes(all: Township[], ticked: ReadonlySet<string> | null): string[] | undefined {
  if (!ticked || all.every((tw) => ticked.has(tw.code))) return undefined;
  return all.filter((tw) => ticked.has(tw.code)).map((tw) => tw.code);
}

/** Ticks or unticks one township; from "all" (null) it starts with every code ticked. */
export function toggleTownship(
  all: Township[],
  ticked: ReadonlySet<string> | null,
  code: string,
): Set<string> {
  const next = new Set(ticked ?? all.map((tw) => tw.code));
  if (next.has(code)) next.delete(code);
  else next.add(code);
  return next;
}

/** How many branches the ticked townships hold. */
export function branchesIn(all: Township[], ticked: ReadonlySet<string> | null): number {
  return all.reduce((n, tw) => (!ticked || ticked.has(tw.code) ? n + tw.branches : n), 0);
}

/** The keys of `errors` at `prefix` or under it (`catalogs.1` finds `catalogs.1.version`, not `catalogs.10`). */
export const keysUnder = (errors: Record<string, string>, prefix: string): string[] =>
  Object.keys(errors).filter((k) => k === prefix || k.startsWith(`${prefix}.`));

/** The first message at `prefix` or under it. */
export function errorUnder(errors: Record<string, string>, prefix: string): string | undefined {
  const [key] = keysUnder(errors, prefix);
  return key === undefined ? undefined : errors[key];
}

/** A pinned catalog version's title from GET /api/catalogs, else its id and version as they are. */
export function catalogTitle(items: CatalogListItem[], pick: CatalogPick): string {
  const title = items.find((c) => c.id === pick.id)?.versions.find((v) => v.version === pick.version)?.title;
  return title ?? `${pick.id}@${pick.version}`;
}
