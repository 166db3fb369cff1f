import { useState } from 'react';
import type { CatalogDryRun, CatalogImported } from '@fivestar/contracts';
import { api, ApiError } from '../../api';
import { label, t } from '../../i18n';
import { useCatalogs } from '../../lists';

/** 星级目录: the stored versions; an import is always checked first (dryRun=true), then confirmed. */
export function CatalogsPanel() {
  const catalogs = useCatalogs();
  const [file, setFile] = useState<File | null>(null);
  const [outcome, setOutcome] = useState<{
    text: string;
    errors: [string, string][];
    checked: boolean;
  } | null>(null);
  const upload = async (dryRun: boolean) => {
    if (!file) return;
    try {
      const blob = file.type
        ? file
        : new Blob([file], { type: file.name.endsWith('.xlsx') ? '' : 'application/json' });
      const res = await api<CatalogDryRun | CatalogImported>('/catalogs/import', {
        blob,
        query: { dryRun: String(dryRun) },
      });
      // A dry run's `created` is a version that would be new: nothing is stored yet.
      const said = 'dryRun' in res ? (res.outcome === 'created' ? 'new' : res.outcome) : res.status;
      const message = 'dryRun' in res && res.message ? ` — ${res.message}` : '';
      setOutcome({
        text: `${res.id} v${res.version}：${label('catalogOutcome', said)}${message}`,
        errors: [],
        checked: 'dryRun' in res && res.outcome !== 'conflict',
      });
      if (!dryRun) catalogs.reload();
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      setOutcome({ text: e.message, errors: Object.entries(e.fields), checked: false });
    }
  };
  return (
    <section data-testid="admin-catalogs">
      <table data-testid="catalogs-table">
        <thead>
          <tr>
            <th>{t('admin.catalogId')}</th>
            <th>{t('admin.branchType')}</th>
            <th>{t('admin.version')}</th>
            <th>{t('admin.inForce')}</th>
          </tr>
        </thead>
        <tbody>
          {catalogs.data?.items.map((c) => (
            <tr key={c.id}>
              <td>{c.id}</td>
              <td>{label('branchType', c.branchType)}</td>
              <td>{c.versions.map((v) => `v${v.version}`).join('、')}</td>
              <td>{c.inForce ? '✓' : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="panel">
        <label>
          {t('admin.catalogFile')}
          <input
            type="file"
            accept=".json,.xlsx"
            data-testid="catalog-file"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setOutcome(null);
            }}
          />
        </label>
        <button
          type="button"
          disabled={!file}
          data-testid="catalog-dry-run"
          onClick={() => void upload(true)}
        >
          {t('admin.dryRun')}
        </button>{' '}
        <button
          type="button"
          className="secondary"
          disabled={!outcome?.checked}
          data-testid="catalog-import"
          onClick={() => void upload(false)}
        >
          {t('admin.doImport')}
        </button>
        {outcome && (
          <div data-testid="catalog-outcome">
            <p className={outcome.errors.length ? 'field-error' : undefined}>{outcome.text}</p>
            <ul>
              {outcome.errors.map(([field, message]) => (
                <li key={field} className="field-error">
                  {field}: {message}
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
    </section>
  );
}
