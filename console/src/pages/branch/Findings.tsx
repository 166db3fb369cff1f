import { useState } from 'react';
import {
  SubmitRectificationEvidence,
  VerifyRectification,
  type RectificationState,
  type RectificationSummary,
} from '@fivestar/contracts';
import { api } from '../../api';
import { FieldError, lines, SubmitButton, useCommand } from '../../forms';
import { t } from '../../i18n';
import { LevelBadge } from '../../layout/LevelBadge';
import { useUser } from '../../session';
import { useApi } from '../../use-api';
import { uploadEvidence } from './upload';

const when = (iso: string) => new Date(iso).toLocaleString();

/** Findings and their rectification: deadline, ladder level, and the secretary's or township's next act. */
export function Findings({
  base,
  findings,
  onChanged,
}: {
  base: string;
  findings: RectificationSummary[];
  /** The branch moves on (to 已办结) when its last finding is closed out. */
  onChanged: () => void;
}) {
  return (
    <section className="panel" data-testid="findings">
      <h2>{t('branch.findings')}</h2>
      {findings.length === 0 && <p className="muted">{t('app.none')}</p>}
      {findings.map((f) => (
        <Finding
          key={f.findingId}
          base={base}
          path={`${base}/findings/${f.findingId}`}
          summary={f}
          onChanged={onChanged}
        />
      ))}
    </section>
  );
}

function Finding({
  base,
  path,
  summary,
  onChanged,
}: {
  base: string;
  path: string;
  summary: RectificationSummary;
  onChanged: () => void;
}) {
  const user = useUser();
  const loaded = useApi<RectificationState>(path);
  const s = loaded.data;
  const done = () => {
    loaded.reload();
    onChanged();
  };
  return (
    <div
      className="star-card finding"
      data-testid="finding"
      data-finding={summary.findingId}
      data-status={s?.status ?? ''}
    >
      <strong className="ellipsis" title={summary.title}>
        {summary.title}
      </strong>
      <div className="muted">{t('finding.source', { step: t(`step.${summary.source}`) })}</div>
      {s && (
        <>
          <div data-testid="finding-status">
            {t(`finding.${s.status}`)} · {t('branch.deadline', { deadline: when(s.deadline) })}
            <LevelBadge level={s.escalationLevel} />
          </div>
          <History state={s} />
          {s.status === 'awaiting_evidence' && user?.role === 'village_secretary' && (
            <RectificationForm base={base} path={path} onDone={done} />
          )}
          {s.status === 'awaiting_verification' && user?.role === 'township_reviewer' && (
            <VerifyForm path={path} onDone={done} />
          )}
        </>
      )}
    </div>
  );
}

/** Each submission and refusal and the close-out, oldest first, so the reviewer sees what was fixed after which reason. */
function History({ state }: { state: RectificationState }) {
  const entries = [
    ...state.evidence.map((e) => ({ at: e.at, kind: 'evidence' as const, text: [e.description] })),
    ...state.rejections.map((r) => ({ at: r.at, kind: 'rejected' as const, text: r.reasons })),
    ...(state.closedAt ? [{ at: state.closedAt, kind: 'closed' as const, text: [] }] : []),
  ].sort((a, b) => a.at.localeCompare(b.at));
  if (entries.length === 0) return null;
  return (
    <ol className="history" data-testid="rectification-history">
      {entries.map((e) => (
        <li key={`${e.kind}-${e.at}`} data-testid={`history-${e.kind}`}>
          <span className={e.kind === 'rejected' ? 'error' : 'ok'}>{t(`finding.history.${e.kind}`)}</span>{' '}
          <span className="muted">{when(e.at)}</span>
          {e.text.map((line, i) => (
            <p key={i} className="wrap">
              {line}
            </p>
          ))}
        </li>
      ))}
    </ol>
  );
}

/**
 * 提交整改材料: what was done, with photos or files. The files go to the branch's evidence (shown with
 * previews on this page) and the description names them, as the rectification itself holds text only.
 */
function RectificationForm({ base, path, onDone }: { base: string; path: string; onDone: () => void }) {
  const [files, setFiles] = useState<string[]>([]);
  const [uploading, setUploading] = useState(false);
  const [uploadError, setUploadError] = useState('');
  const cmd = useCommand(SubmitRectificationEvidence, (body) =>
    api(`${path}/evidence`, { json: body }).then(onDone),
  );
  async function upload(list: FileList) {
    setUploading(true);
    try {
      for (const file of list) {
        const saved = await uploadEvidence(base, file);
        setFiles((names) => [...new Set([...names, saved.filename])]);
      }
      setUploadError('');
    } catch (err) {
      setUploadError((err as Error).message);
    } finally {
      setUploading(false);
    }
  }
  return (
    <form
      noValidate
      data-testid="rectification-form"
      onSubmit={(e) => {
        e.preventDefault();
        const text = String(new FormData(e.currentTarget).get('description') ?? '').trim();
        const attached = files.length ? `\n${t('finding.attached', { files: files.join('、') })}` : '';
        // The schema's own message for an empty text is not the user's language.
        void cmd.submit({ description: text + attached }, text ? {} : { description: t('finding.describe') });
      }}
    >
      <label>
        {t('form.description')}
        <textarea
          name="description"
          rows={3}
          onChange={() => cmd.clear('description')}
          data-testid="rectification-description"
        />
        <FieldError errors={cmd.errors} name="description" />
      </label>
      <label>
        {t('finding.files')}
        <input
          type="file"
          multiple
          onChange={(e) => {
            if (e.target.files?.length) void upload(e.target.files);
          }}
          data-testid="rectification-file"
        />
        {files.length > 0 && (
          <span className="ok" data-testid="rectification-files">
            ✓ {files.join('、')}
          </span>
        )}
        {uploadError && <span className="field-error">{uploadError}</span>}
      </label>
      <FieldError errors={cmd.errors} name="form" />
      <SubmitButton pending={cmd.pending || uploading} testId="rectification-submit">
        {t('form.rectification')}
      </SubmitButton>
    </form>
  );
}

/** 核验整改: accept (销号), or refuse with reasons and send it back to the village. */
function VerifyForm({ path, onDone }: { path: string; onDone: () => void }) {
  const [accepted, setAccepted] = useState(true);
  const cmd = useCommand(VerifyRectification, (body) => api(`${path}/verify`, { json: body }).then(onDone));
  return (
    <form
      noValidate
      data-testid="verify-form"
      onSubmit={(e) => {
        e.preventDefault();
        const reasons = accepted ? undefined : lines(new FormData(e.currentTarget).get('reasons'));
        void cmd.submit({ accepted, reasons });
      }}
    >
      <fieldset>
        <legend>{t('form.verify')}</legend>
        {([true, false] as const).map((yes) => (
          <label key={String(yes)} className="inline">
            <input
              type="radio"
              name="accepted"
              checked={accepted === yes}
              onChange={() => setAccepted(yes)}
              data-testid={yes ? 'verify-accepted' : 'verify-rejected'}
            />
            {t(yes ? 'form.accepted' : 'form.rejected')}
          </label>
        ))}
      </fieldset>
      {!accepted && (
        <label>
          {t('form.reasons')}
          <textarea name="reasons" rows={2} data-testid="verify-reasons" />
          <FieldError errors={cmd.errors} name="reasons" />
        </label>
      )}
      <FieldError errors={cmd.errors} name="form" />
      <SubmitButton pending={cmd.pending} testId="verify-submit">
        {t(accepted ? 'form.closeOut' : 'form.sendBack')}
      </SubmitButton>
    </form>
  );
}
