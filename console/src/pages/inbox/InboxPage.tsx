import { useState } from 'react';
import { Link } from 'react-router';
import { formatBeijingTime, type InboxResult, type Notice } from '@fivestar/contracts';
import { api, ApiError } from '../../api';
import { label, t } from '../../i18n';
import { LevelBadge } from '../../layout/LevelBadge';
import { useApi } from '../../use-api';
import { branchLink } from '../../work';
import './messages';
import '../coordinator/tables.css';
import './inbox.css';

type Tab = 'all' | 'unread' | 'archive';
const QUERY: Record<Tab, Record<string, string>> = {
  all: {},
  unread: { unreadOnly: 'true' },
  archive: { archived: 'true' },
};

function NoticeLinks({ notice }: { notice: Notice }) {
  return (
    <span className="links">
      {branchLink(notice) && (
        <Link to={branchLink(notice)!} data-testid={`notice-branch-${notice.id}`}>
          {t('inbox.openBranch')}
        </Link>
      )}
      {notice.workKey && <Link to="/tasks">{t('inbox.openTask')}</Link>}
    </span>
  );
}

/** /inbox: my notices — unread first by tab, mark read and archive (one or the selected ones). */
export function InboxPage() {
  const [tab, setTab] = useState<Tab>('all');
  const inbox = useApi<InboxResult>('/inbox', { ...QUERY[tab], limit: 200 });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [error, setError] = useState('');
  const act = async (what: 'read' | 'archive', ids: string[]) => {
    try {
      await api(`/inbox/${what}`, { json: { ids } });
      setSelected(new Set());
      setError('');
      inbox.reload();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const items = inbox.data?.items ?? [];
  return (
    <div className="inbox" data-testid="inbox-page">
      <h1>{t('inbox.title')}</h1>
      <div className="tabs" role="tablist">
        {(['all', 'unread', 'archive'] as const).map((k) => (
          <button
            key={k}
            type="button"
            role="tab"
            aria-selected={tab === k}
            data-testid={`inbox-tab-${k}`}
            onClick={() => setTab(k)}
          >
            {k === 'unread' ? t('inbox.unread', { n: inbox.data?.unread ?? 0 }) : t(`inbox.${k}`)}
          </button>
        ))}
      </div>
      {tab !== 'archive' && (
        <p className="toolbar">
          {t('inbox.selected')}：
          <button
            type="button"
            disabled={selected.size === 0}
            data-testid="inbox-mark-read"
            onClick={() => void act('read', [...selected])}
          >
            {t('inbox.markRead')}
          </button>
          <button
            type="button"
            className="secondary"
            disabled={selected.size === 0}
            data-testid="inbox-archive"
            onClick={() => void act('archive', [...selected])}
          >
            {t('inbox.doArchive')}
          </button>
        </p>
      )}
      {error && <p className="field-error">{error}</p>}
      {items.length === 0 && !inbox.loading && <p className="muted">{t('app.none')}</p>}
      <ul className="plain notices" data-testid="inbox-list">
        {items.map((n) => (
          <li key={n.id} className={n.readAt ? 'notice' : 'notice unread'} data-testid={`notice-${n.id}`}>
            {tab !== 'archive' && (
              <input
                type="checkbox"
                checked={selected.has(n.id)}
                onChange={() => toggle(n.id)}
                aria-label={n.title}
              />
            )}
            <div className="notice-body">
              <span className="tag" data-testid="notice-kind">
                {label('notice', n.kind)}
              </span>
              <strong className="wrap">{n.title}</strong>
              <LevelBadge level={n.escalationLevel} />
              <p className="wrap">{n.body}</p>
              <span className="muted">{formatBeijingTime(n.createdAt)}</span> <NoticeLinks notice={n} />
              {!n.readAt && tab !== 'archive' && (
                <button type="button" className="link" onClick={() => void act('read', [n.id])}>
                  {t('inbox.markRead')}
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
