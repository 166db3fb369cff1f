import { useState } from 'react';
import type { DirectoryImportRequest, ImportRowResult } from '@fivestar/contracts';
import { api, ApiError } from '../../api';
import { t } from '../../i18n';
import { previewDirectory, type RowError } from './directory-preview';

function ErrorsTable({ errors, testid }: { errors: RowError[]; testid: string }) {
  return (
    <table className="compact" data-testid={testid}>
      <thead>
        <tr>
          <th>{t('admin.row')}</th>
          <th>{t('admin.field')}</th>
          <th>{t('admin.message')}</th>
        </tr>
      </thead>
      <tbody>
        {errors.map((e, i) => (
          <tr key={i}>
            <td className="num">{e.row || '—'}</td>
            <td>{e.field}</td>
            <td className="wrap">{e.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** 名册导入: the file is checked here first (per-row errors), then sent; the API answers per row. */
export function ImportPanel() {
  const [preview, setPreview] = useState<{ body?: DirectoryImportRequest; errors: RowError[] } | null>(null);
  const [results, setResults] = useState<ImportRowResult[] | null>(null);
  const [error, setError] = useState('');
  const [pending, setPending] = useState(false);
  const send = async (body: DirectoryImportRequest) => {
    setPending(true);
    try {
      setResults((await api<{ results: ImportRowResult[] }>('/admin/users/import', { json: body })).results);
      setError('');
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setPending(false);
    }
  };
  return (
    <section className="panel" data-testid="admin-import">
      <label>
        {t('admin.file')}
        <input
          type="file"
          accept=".json,application/json"
          data-testid="directory-file"
          onChange={(e) => {
            const f = e.target.files?.[0];
            setResults(null);
            if (f) void f.text().then((text) => setPreview(previewDirectory(text)));
          }}
        />
      </label>
      {preview && (
        <>
          <h3>{t('admin.preview')}</h3>
          {preview.errors.length > 0 ? (
            <ErrorsTable errors={preview.errors} testid="directory-errors" />
          ) : (
            <p className="ok" data-testid="directory-ok">
              {t('admin.previewOk', {
                users: preview.body!.users.length,
                branches: preview.body!.branches.length,
              })}
            </p>
          )}
          {preview.body && (
            <button
              type="button"
              disabled={pending}
              data-testid="directory-import"
              onClick={() => void send(preview.body!)}
            >
              {t('admin.doImport')}
            </button>
          )}
        </>
      )}
      {error && <p className="field-error">{error}</p>}
      {results && (
        <table className="compact" data-testid="directory-results">
          <thead>
            <tr>
              <th>{t('admin.row')}</th>
              <th>{t('admin.username')}</th>
              <th>{t('admin.outcome')}</th>
              <th>{t('admin.message')}</th>
            </tr>
          </thead>
          <tbody>
            {results.map((r) => (
              <tr key={r.row}>
                <td className="num">{r.row}</td>
                <td>{r.username}</td>
                <td>{r.outcome}</td>
                <td className="wrap">{r.errors?.map((e) => `${e.field}: ${e.message}`).join('；')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
