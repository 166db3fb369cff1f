import {
  beijingDate,
  beijingIsoWeek,
  previousIsoWeek,
  ROLE_LABELS,
  STEP_LABELS,
  within,
  type LedgerCounts,
  type LedgerExportResult,
  type LedgerResult,
  type LedgerRow,
  type LedgerSnapshot,
  type LedgerSummaryResult,
  type Viewer,
  type WorkItem,
} from '@fivestar/contracts';
import { RequestError, type ParsedRequestOf } from '@fivestar/platform';
import * as ExcelJS from 'exceljs';
import { sql, type Kysely, type Selectable } from 'kysely';
import { computeLight, DEFAULT_YELLOW_SECONDS, type DueSoon } from './light';
import type { LedgerSnapshotsTable, TasksDb } from './schema';

export type LedgerQuery = ParsedRequestOf<'tasks', 'ledger'>;
export type TakeSnapshotQuery = ParsedRequestOf<'tasks', 'takeLedgerSnapshot'>;
export type LedgerSummaryQuery = ParsedRequestOf<'tasks', 'ledgerSummary'>;
export type LedgerExportQuery = ParsedRequestOf<'tasks', 'ledgerExport'>;

export interface ReportOptions {
  /** Read time for lights, the current week and the export date (tests pin it). */
  now?: Date;
  /** When yellow starts (see ListOptions); default DEFAULT_YELLOW_SECONDS. */
  yellow?: DueSoon;
}

// ---- weeks ----------------------------------------------------------------------------------------

/** The ISO week (`YYYY-Www`) of an instant, by the calendar date in China. */
export const isoWeek = (at: Date): string => beijingIsoWeek(at.getTime());
export { previousIsoWeek };

// ---- rows -----------------------------------------------------------------------------------------

/** The scope of a ledger read: inside the viewer's jurisdiction, else `forbidden`. */
export function ledgerScope(viewer: Viewer, scope: string): string {
  if (!within(viewer.jurisdiction, scope)) throw new RequestError('forbidden', `${scope} 不在您的管辖范围内`);
  return scope;
}

const yellowOf = (opts: ReportOptions) => opts.yellow ?? DEFAULT_YELLOW_SECONDS;

/**
 * Every task of the scope (its branch, or the group's jurisdiction for a task of no branch, lies inside
 * the scope), rectification items included; ordered by township, branch, opening and key.
 */
export async function ledgerRows(
  db: Kysely<TasksDb>,
  req: LedgerQuery,
  opts: ReportOptions = {},
): Promise<LedgerResult> {
  return scopeRows(db, ledgerScope(req.viewer, req.scope), req.roundId, opts);
}

/** The rows of `ledgerRows` for a scope already authorised (or a system job's). */
async function scopeRows(
  db: Kysely<TasksDb>,
  scope: string,
  roundId: string | undefined,
  opts: ReportOptions,
): Promise<LedgerResult> {
  const now = opts.now ?? new Date();
  const yellow = yellowOf(opts);
  const area = sql<string>`coalesce(branch_id, group_jurisdiction)`;
  let q = db
    .selectFrom('tasks')
    .selectAll()
    // Codes are digits only (validated), so no LIKE metacharacters can sneak in.
    .where(area, 'like', `${scope}%`);
  if (roundId !== undefined) q = q.where('round_id', '=', roundId);
  const rows = await q.orderBy(area).orderBy('opened_at').orderBy('key').execute();
  return {
    scope,
    roundId: roundId ?? null,
    rows: rows.map((r) => ({
      key: r.key,
      kind: r.kind,
      title: r.title,
      roundId: r.round_id,
      branchId: r.branch_id,
      townshipCode: r.branch_id ? r.branch_id.slice(0, 9) : null,
      step: r.step,
      findingId: r.finding_id,
      group: { role: r.group_role, jurisdiction: r.group_jurisdiction },
      status: r.status,
      deadline: r.deadline.toISOString(),
      provisional: r.provisional,
      openedAt: r.opened_at.toISOString(),
      closedAt: r.closed_at?.toISOString() ?? null,
      light: computeLight(
        { status: r.status, deadline: r.deadline, remindedAt: r.reminded_at, overdueAt: r.overdue_at },
        now,
        yellow,
      ),
      escalationLevel: r.escalation_level,
      urgeCount: r.urge_count,
    })),
  };
}

// ---- counts and snapshots -------------------------------------------------------------------------

const KINDS: WorkItem['kind'][] = [
  'step',
  'rectification_evidence',
  'rectification_verify',
  'extension_decision',
  'revocation_decision',
];

/** Zero counts with every key present, so deltas always have the same shape. */
export function zeroCounts(): LedgerCounts {
  return {
    total: 0,
    byStatus: { open: 0, done: 0 },
    byLight: { green: 0, yellow: 0, red: 0 },
    byEscalation: { none: 0, blue: 0, yellow: 0, red: 0 },
    byKind: Object.fromEntries(KINDS.map((k) => [k, 0])),
  };
}

/** Counts rows by status, light, escalation level (`none` when not escalated) and kind. */
export function countRows(rows: LedgerRow[]): LedgerCounts {
  const c = zeroCounts();
  const inc = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);
  for (const r of rows) {
    c.total++;
    inc(c.byStatus, r.status);
    inc(c.byLight, r.light);
    inc(c.byEscalation, r.escalationLevel ?? 'none');
    inc(c.byKind, r.kind);
  }
  return c;
}

/** current − previous, key by key (a key missing on one side counts 0). */
export function countDeltas(current: LedgerCounts, previous: LedgerCounts): LedgerCounts {
  const diff = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(
      [...new Set([...Object.keys(a), ...Object.keys(b)])].map((k) => [k, (a[k] ?? 0) - (b[k] ?? 0)]),
    );
  return {
    total: current.total - previous.total,
    byStatus: diff(current.byStatus, previous.byStatus),
    byLight: diff(current.byLight, previous.byLight),
    byEscalation: diff(current.byEscalation, previous.byEscalation),
    byKind: diff(current.byKind, previous.byKind),
  };
}

function toSnapshot(r: Selectable<LedgerSnapshotsTable>): LedgerSnapshot {
  return {
    scope: r.scope_code,
    roundId: r.round_id === '' ? null : r.round_id,
    week: r.week,
    takenAt: r.taken_at.toISOString(),
    counts: {
      total: r.total,
      byStatus: r.by_status,
      byLight: r.by_light,
      byEscalation: r.by_escalation,
      byKind: r.by_kind,
    },
  };
}

async function loadSnapshot(
  db: Kysely<TasksDb>,
  scope: string,
  roundId: string | undefined,
  week: string,
): Promise<LedgerSnapshot | null> {
  const row = await db
    .selectFrom('ledger_snapshots')
    .selectAll()
    .where('scope_code', '=', scope)
    .where('round_id', '=', roundId ?? '')
    .where('week', '=', week)
    .executeTakeFirst();
  return row ? toSnapshot(row) : null;
}

/**
 * Takes the week's snapshot of the scope (and round): the counts of its ledger now. Idempotent: once a
 * snapshot of that scope, round and week exists, it is returned unchanged.
 */
export async function takeLedgerSnapshot(
  db: Kysely<TasksDb>,
  req: TakeSnapshotQuery,
  opts: ReportOptions = {},
): Promise<LedgerSnapshot> {
  const now = opts.now ?? new Date();
  const scope = ledgerScope(req.viewer, req.scope);
  return (await snapshotScope(db, scope, req.roundId, req.week ?? isoWeek(now), { ...opts, now })).snapshot;
}

/**
 * The week's snapshot of a scope (authorised by the caller, or a system job's): taken now unless one
 * exists already, which is kept. `taken` says whether this call took it.
 */
export async function snapshotScope(
  db: Kysely<TasksDb>,
  scope: string,
  roundId: string | undefined,
  week: string,
  opts: ReportOptions = {},
): Promise<{ snapshot: LedgerSnapshot; taken: boolean }> {
  const now = opts.now ?? new Date();
  const { rows } = await scopeRows(db, scope, roundId, { ...opts, now });
  const c = countRows(rows);
  const json = (v: Record<string, number>) => sql<Record<string, number>>`${JSON.stringify(v)}::jsonb`;
  const inserted = await db
    .insertInto('ledger_snapshots')
    .values({
      scope_code: scope,
      round_id: roundId ?? '',
      week,
      taken_at: now,
      total: c.total,
      by_status: json(c.byStatus),
      by_light: json(c.byLight),
      by_escalation: json(c.byEscalation),
      by_kind: json(c.byKind),
    })
    .onConflict((oc) => oc.columns(['scope_code', 'round_id', 'week']).doNothing())
    .returning('week')
    .executeTakeFirst();
  return { snapshot: (await loadSnapshot(db, scope, roundId, week))!, taken: inserted !== undefined };
}

/** This week's snapshot against last week's, with the deltas (a missing snapshot counts zeros). */
export async function ledgerSummary(
  db: Kysely<TasksDb>,
  req: LedgerSummaryQuery,
  opts: ReportOptions = {},
): Promise<LedgerSummaryResult> {
  const scope = ledgerScope(req.viewer, req.scope);
  const week = req.week ?? isoWeek(opts.now ?? new Date());
  const previousWeek = previousIsoWeek(week);
  const current = await loadSnapshot(db, scope, req.roundId, week);
  const previous = await loadSnapshot(db, scope, req.roundId, previousWeek);
  return {
    scope,
    roundId: req.roundId ?? null,
    week,
    previousWeek,
    current,
    previous,
    deltas: countDeltas(current?.counts ?? zeroCounts(), previous?.counts ?? zeroCounts()),
  };
}

// ---- export ---------------------------------------------------------------------------------------

export const LEDGER_HEADER = [
  '序号',
  '乡镇',
  '支部',
  '事项',
  '环节',
  '责任主体',
  '期限',
  '期限说明',
  '状态',
  '亮灯',
  '督办级别',
  '催办次数',
  '销号日期',
] as const;
const WIDTHS = [6, 12, 16, 40, 14, 24, 12, 16, 8, 6, 10, 8, 12];
/** 期限说明 of a deadline counted Monday–Friday in a year the calendar did not hold yet. */
export const PROVISIONAL_NOTE = '暂按工作日计算';

const KIND_LABELS: Record<WorkItem['kind'], string> = {
  step: '流程环节',
  rectification_evidence: '整改佐证',
  rectification_verify: '整改核验',
  extension_decision: '延期审批',
  revocation_decision: '撤销审批',
};
const LIGHT_LABELS = { green: '绿灯', yellow: '黄灯', red: '红灯' } as const;
const ESCALATION_LABELS = { blue: '蓝色督办', yellow: '黄色督办', red: '红色督办' } as const;

/** The calendar date in China of an ISO instant, `YYYY-MM-DD`. */
export function cstDate(at: string | Date): string {
  return beijingDate(new Date(at).getTime());
}

/** A ledger row as the printed table shows it (the 13 columns of LEDGER_HEADER). */
export function ledgerLine(r: LedgerRow, i: number): (string | number)[] {
  return [
    i + 1,
    r.townshipCode ?? '',
    r.branchId ?? '',
    r.title,
    r.step ? STEP_LABELS[r.step] : KIND_LABELS[r.kind],
    `${ROLE_LABELS[r.group.role]}（${r.group.jurisdiction}）`,
    cstDate(r.deadline),
    r.provisional ? PROVISIONAL_NOTE : '',
    r.status === 'done' ? '已办结' : '办理中',
    LIGHT_LABELS[r.light],
    r.escalationLevel ? ESCALATION_LABELS[r.escalationLevel] : '',
    r.urgeCount,
    r.closedAt ? cstDate(r.closedAt) : '',
  ];
}

/** One RFC 4180 field: quoted when it holds a comma, quote, CR or LF; quotes doubled. */
export function csvField(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The ledger as CSV: UTF-8 with a BOM (so Excel reads it as UTF-8), CRLF lines, header first. */
export function ledgerCsv(rows: LedgerRow[]): Buffer {
  const lines = [[...LEDGER_HEADER], ...rows.map(ledgerLine)].map((l) => l.map(csvField).join(','));
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

/** The ledger as a printable workbook: title row, header row (frozen), one row per task. */
export async function ledgerXlsx(rows: LedgerRow[], title: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('台账', {
    views: [{ state: 'frozen', xSplit: 0, ySplit: 2 }],
    pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  ws.columns = WIDTHS.map((width) => ({ width }));
  ws.addRow([title]);
  ws.mergeCells(1, 1, 1, LEDGER_HEADER.length);
  const t = ws.getRow(1);
  t.font = { bold: true, size: 16 };
  t.alignment = { horizontal: 'center', vertical: 'middle' };
  t.height = 28;
  const h = ws.addRow([...LEDGER_HEADER]);
  h.font = { bold: true };
  h.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  rows.forEach((r, i) => {
    const row = ws.addRow(ledgerLine(r, i));
    row.getCell(4).alignment = { wrapText: true, vertical: 'top' };
  });
  const border = { style: 'thin' } as const;
  for (let n = 2; n <= ws.rowCount; n++)
    ws.getRow(n).eachCell({ includeEmpty: true }, (c) => {
      c.border = { top: border, left: border, bottom: border, right: border };
    });
  ws.pageSetup.printTitlesRow = '1:2';
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The ledger export: the file (base64) with a file name and content type for a download. */
export async function ledgerExport(
  db: Kysely<TasksDb>,
  req: LedgerExportQuery,
  opts: ReportOptions = {},
): Promise<LedgerExportResult> {
  const now = opts.now ?? new Date();
  const { scope, rows } = await ledgerRows(db, req, { ...opts, now });
  const date = cstDate(now);
  const name = `台账-${scope}-${date}`;
  if (req.format === 'csv')
    return {
      filename: `${name}.csv`,
      contentType: 'text/csv; charset=utf-8',
      base64: ledgerCsv(rows).toString('base64'),
    };
  const title = `${req.scopeName ?? scope}五星支部创建工作台账（截至${date}）`;
  return {
    filename: `${name}.xlsx`,
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    base64: (await ledgerXlsx(rows, title)).toString('base64'),
  };
}
