import { DIRECTORY_TABLES, type DirectoryImportRequest, type DirectoryTableKey } from '@fivestar/contracts';

/** The request's lists of places and the table each came from. */
const TABLE_OF: Record<string, DirectoryTableKey> = {
  province: 'province',
  city: 'cities',
  county: 'county',
  cities: 'cities',
  counties: 'county',
  branches: 'branches',
};

/**
 * A refusal of the whole file named for its reader: `counties.0.code` → `县表 420102（县代码）`, the place
 * by its code as the file gave it. A column the table has not (a county derived from the code) names the
 * code's; a field of no place is left unnamed (the message says enough).
 */
export function importFieldLabel(field: string, request: DirectoryImportRequest): string | null {
  const parts = field.split('.');
  const list = parts[0]!;
  const indexed = /^\d+$/.test(parts[1] ?? '');
  const column = parts[indexed ? 2 : 1];
  const place: { code: string; kind?: string } | undefined = indexed
    ? (request[list as keyof DirectoryImportRequest] as { code: string }[] | undefined)?.[Number(parts[1])]
    : (request[list as keyof DirectoryImportRequest] as { code: string } | undefined);
  const key = list === 'townships' ? (place?.kind === 'unit' ? 'units' : 'townships') : TABLE_OF[list];
  if (!key || !place?.code) return null;
  const table = DIRECTORY_TABLES[key];
  const header = (table.columns.find((c) => c.key === column) ?? table.columns[0]!).header;
  return `${table.title}表 ${place.code}（${header}）`;
}
