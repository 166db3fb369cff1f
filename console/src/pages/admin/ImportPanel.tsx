import { useState } from 'react';
import {
  readDirectoryFiles,
  type DirectoryImportResult,
  type DirectoryTablesResult,
  type TableError,
  userColumn,
} from '@fivestar/contracts';
import { api, ApiError } from '../../api';
import { saveBlob } from '../../download';
import { label, t } from '../../i18n';
import { useUser } from '../../session';
import { importFieldLabel } from './import-fields';
import { directoryTemplateFile, importLevel, loadWorkbook, type ImportLevel } from './workbook';
import './import-messages';

/** What blocks a file, by file (or sheet), row and column; shared with the calendar's load. */
export function ErrorsTable({
  errors,
  testId = 'directory-errors',
}: {
  errors: TableError[];
  testId?: string;
}) {
  return (
    <div className="scroll-x">
      <table className="compact" data-testid={testId}>
        <thead>
          <tr>
            <th>{t('import.source')}</th>
            <th>{t('admin.row')}</th>
            <th>{t('import.column')}</th>
            <th>{t('admin.message')}</th>
          </tr>
        </thead>
        <tbody>
          {errors.map((e, i) => (
            <tr key={i}>
              <td className="wrap">{e.source}</td>
              <td className="num">{e.row || '—'}</td>
              <td>{e.column || '—'}</td>
              <td className="wrap">{e.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The server's answer per user row, each named by the file and row it came from. */
function ResultsTable({ result, read }: { result: DirectoryImportResult; read: DirectoryTablesResult }) {
  return (
    <div className="scroll-x">
      <table className="compact wide" data-testid="directory-results">
        <thead>
          <tr>
            <th>{t('import.source')}</th>
            <th>{t('admin.row')}</th>
            <th>{t('admin.username')}</th>
            <th>{t('admin.outcome')}</th>
            <th>{t('admin.message')}</th>
          </tr>
        </thead>
        <tbody>
          {result.results.map((r) => {
            const from = read.userRows[r.row];
            return (
              <tr key={r.row} data-testid="directory-result" data-outcome={r.outcome}>
                <td className="wrap">{from?.source ?? '—'}</td>
                <td className="num">{from?.row ?? r.row + 1}</td>
                <td>{r.username ?? '—'}</td>
                <td className={r.outcome === 'rejected' ? 'field-error' : undefined}>
                  {label('importOutcome', r.outcome)}
                </td>
                <td className="wrap">
                  {r.errors?.map((e) => `${userColumn(e.field)}：${e.message}`).join('；')}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The places the file renames (a county given by its code alone keeps its name): shown before importing. */
function Renames({ result }: { result: DirectoryImportResult }) {
  if (!result.renamed.length) return null;
  const list = result.renamed
    .map((r) => `${t(`import.level.${r.level}`)} ${r.code} ${r.from} → ${r.to}`)
    .join('；');
  return (
    <p data-testid="directory-renames">
      {t(result.dryRun ? 'import.willRename' : 'import.renamed', { list })}
    </p>
  );
}

/** The places below each level a file may add, top down. */
const NEW_PLACES: Record<ImportLevel, ('cities' | 'counties' | 'townships' | 'branches')[]> = {
  province: ['cities', 'counties', 'townships', 'branches'],
  city: ['counties', 'townships', 'branches'],
  county: ['townships', 'branches'],
};

/** What the file adds, named by level (新增市 1 个、县 3 个…), and what it does to the users. */
function Summary({ result }: { result: DirectoryImportResult }) {
  const s = result.summary;
  const level = importLevel(result.root);
  const places = NEW_PLACES[level]
    .map((p) => t(`import.new.${p}`, { n: result[p].created }))
    .join(t('app.listSep'));
  return (
    <p className={s.rejected ? 'field-error' : 'ok'} data-testid="directory-summary">
      {t(result.dryRun ? 'import.dryRunSummary' : 'import.doneSummary', {
        root: `${t(`import.level.${level}`)} ${result.root}`,
        places,
        created: s.created,
        updated: s.updated,
        unchanged: s.unchanged,
        rejected: s.rejected,
      })}
    </p>
  );
}

async function saveTemplate(level: ImportLevel): Promise<void> {
  saveBlob(await directoryTemplateFile(level), t(`import.templateName.${level}`));
}

/**
 * 名册导入 of the administrator's level (a province's, city's or county's file; its template): an Excel
 * workbook, CSV files (one per table) or a JSON file, checked here table by table first; a clean file is then dry-run on the server (every row judged as the import will judge it), and
 * imported only when the administrator confirms.
 */
export function ImportPanel() {
  const level = importLevel(useUser()?.jurisdiction ?? '');
  const [read, setRead] = useState<DirectoryTablesResult | null>(null);
  const [initialPassword, setInitialPassword] = useState('');
  const [dryRun, setDryRun] = useState<DirectoryImportResult | null>(null);
  const [imported, setImported] = useState<DirectoryImportResult | null>(null);
  const [error, setError] = useState('');
  const [pending, setPending] = useState(false);

  const send = async (tables: DirectoryTablesResult, dry: boolean) => {
    if (!tables.request) return;
    setPending(true);
    setError('');
    try {
      const body = { ...tables.request, initialPassword: initialPassword || undefined };
      const result = await api<DirectoryImportResult>('/admin/users/import', {
        json: body,
        query: { dryRun: String(dry) },
      });
      if (dry) setDryRun(result);
      else setImported(result);
    } catch (e) {
      const fields = e instanceof ApiError ? Object.entries(e.fields) : [];
      setError(
        fields.length
          ? fields
              .map(([f, m]) => {
                const where = tables.request && importFieldLabel(f, tables.request);
                return where ? `${where}：${m}` : m;
              })
              .join('；')
          : e instanceof Error
            ? e.message
            : String(e),
      );
    } finally {
      setPending(false);
    }
  };

  const choose = async (list: FileList | null) => {
    setRead(null);
    setDryRun(null);
    setImported(null);
    setError('');
    const files = await Promise.all(
      [...(list ?? [])].map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })),
    );
    if (!files.length) return;
    const tables = await readDirectoryFiles(files, loadWorkbook);
    setRead(tables);
    if (tables.request && !tables.errors.length) await send(tables, true);
  };

  const clean = read?.request && !read.errors.length;
  return (
    <section className="panel" data-testid="admin-import">
      <p className="muted">{t(`import.help.${level}`)}</p>
      <p>
        <button
          type="button"
          className="link"
          data-testid="directory-template"
          onClick={() => void saveTemplate(level)}
        >
          {t('import.template')}
        </button>
      </p>
      <div className="form-row">
        <label>
          {t('import.files')}
          <input
            type="file"
            multiple
            accept=".xlsx,.csv,.json"
            data-testid="directory-file"
            onChange={(e) => void choose(e.target.files)}
          />
        </label>
        <label>
          {t('import.initialPassword')}
          <input
            type="password"
            autoComplete="new-password"
            value={initialPassword}
            data-testid="directory-initial-password"
            onChange={(e) => {
              setInitialPassword(e.target.value);
              setDryRun(null);
            }}
          />
        </label>
      </div>
      {read && (
        <>
          <h3>{t('admin.preview')}</h3>
          {read.errors.length > 0 && <ErrorsTable errors={read.errors} />}
          {clean && !dryRun && (
            <button
              type="button"
              disabled={pending}
              data-testid="directory-dry-run"
              onClick={() => void send(read, true)}
            >
              {t('import.dryRun')}
            </button>
          )}
        </>
      )}
      {error && (
        <p className="field-error" data-testid="directory-error">
          {error}
        </p>
      )}
      {read && dryRun && !imported && (
        <>
          <Summary result={dryRun} />
          <Renames result={dryRun} />
          <ResultsTable result={dryRun} read={read} />
          <button
            type="button"
            disabled={pending}
            data-testid="directory-import"
            onClick={() => void send(read, false)}
          >
            {t(dryRun.summary.rejected ? 'import.importValid' : 'admin.doImport')}
          </button>
        </>
      )}
      {read && imported && (
        <>
          <Summary result={imported} />
          <Renames result={imported} />
          <ResultsTable result={imported} read={read} />
        </>
      )}
    </section>
  );
}
