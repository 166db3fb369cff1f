import { useState } from 'react';
import {
  mayCommand,
  SubmitRectificationEvidence,
  VerifyRectification,
  type Branch,
  type BranchCommand,
  type EvidenceFile,
  type RectificationState,
  type RectificationSummary,
  formatBeijingTime,
} from '@fivestar/contracts';
import { CommandStatus, FieldError, lines, SubmitButton, useCommand } from '../../forms';
import { t } from '../../i18n';
import { ProvisionalBadge } from '../../layout/Deadline';
import { LevelBadge } from '../../layout/LevelBadge';
import { useUser } from '../../session';
import { useApi } from '../../use-api';
import { EvidenceFiles } from './EvidenceList';
import type { EvidenceItem, Provisional } from './model';
import './rectification-messages';
import { uploadEvidence } from './upload';

/** Findings and their rectification: deadline, ladder level, and the secretary's or township's next act. */
export function Findings({
  base,
  branch,
  findings,
  uploads,
  onChanged,
}: {
  base: string;
  branch: Branch;
  findings: RectificationSummary[];
  /** The branch's uploads (the page's list): whether a cited file is an image, its size. */
  uploads: EvidenceItem[];
  /** The branch moves on (to 已办结) when its last finding is closed out. */
  onChanged: () => void;
}) {
  const known = new Map(uploads.map((i) => [i.sha256, i]));
  return (
    <section className="panel" data-testid="findings">
      <h2>{t('branch.findings')}</h2>
      {findings.length === 0 && <p className="muted">{t('app.none')}</p>}
      {findings.map((f) => (
        <Finding
          key={f.findingId}
          base={base}
          branch={branch}
          path={`${base}/findings/${f.findingId}`}
          summary={f}
          known={known}
          onChanged={onChanged}
        />
      ))}
    </section>
  );
}

type Known = Map<string, EvidenceItem>;

function Finding({
  base,
  branch,
  path,
  summary,
  known,
  onChanged,
}: {
  base: string;
  branch: Branch;
  path: string;
  summary: RectificationSummary;
  known: Known;
  onChanged: () => void;
}) {
  const user = useUser();
  const loaded = useApi<RectificationState & Provisional>(path);
  const s = loaded.data;
  const may = (command: BranchCommand) => !!user && mayCommand(user, branch, command);
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
            {t(`finding.${s.status}`)} · {t('branch.deadline', { deadline: formatBeijingTime(s.deadline) })}
            <ProvisionalBadge provisional={s.provisional} />
            <LevelBadge level={s.escalationLevel} />
          </div>
          <History state={s} known={known} />
          {s.status === 'awaiting_evidence' && may('submitEvidence') && (
            <RectificationForm base={base} path={path} onDone={done} />
          )}
          {s.status === 'awaiting_verification' && may('verifyRectification') && (
            <VerifyForm path={path} onDone={done} />
          )}
        </>
      )}
    </div>
  );
}

/**
 * Each submission (with its files) and refusal and the close-out, oldest first, so the reviewer sees what
 * was fixed after which reason.
 */
function History({ state, known }: { state: RectificationState; known: Known }) {
  const entries = [
    ...state.evidence.map((e) => ({
      at: e.at,
      kind: 'evidence' as const,
      text: [e.description],
      files: e.files,
    })),
    ...state.rejections.map((r) => ({ at: r.at, kind: 'rejected' as const, text: r.reasons, files: [] })),
    ...(state.closedAt ? [{ at: state.closedAt, kind: 'closed' as const, text: [], files: [] }] : []),
  ].sort((a, b) => a.at.localeCompare(b.at));
  if (entries.length === 0) return null;
  return (
    <ol className="history" data-testid="rectification-history">
      {entries.map((e) => (
        <li key={`${e.kind}-${e.at}`} data-testid={`history-${e.kind}`}>
          <span className={e.kind === 'rejected' ? 'error' : 'ok'}>{t(`finding.history.${e.kind}`)}</span>{' '}
          <span className="muted">{formatBeijingTime(e.at)}</span>
          {e.text.filter(Boolean).map((line, i) => (
            <p key={i} className="wrap">
              {line}
            </p>
          ))}
          {e.files.length > 0 && (
            <EvidenceFiles items={e.files.map((f) => ({ ...known.get(f.sha256), ...f }))} />
          )}
        </li>
      ))}
    </ol>
  );
}

/**
 * 提交整改材料: what was done, with photos or files. Each file is uploaded as the branch's evidence as soon
 * as it is chosen; the submission cites them by sha256, and they stay with it in the finding's history.
 */
function RectificationForm({ base, path, onDone }: { base: string; path: string; onDone: () => void }) {
  const [files, setFiles] = useState<EvidenceFile[]>([]);
  const [uploading, setUploading] = useState(false);
  const [uploadError, setUploadError] = useState('');
  const cmd = useCommand(SubmitRectificationEvidence, (body, command) =>
    command(`${path}/evidence`, body).then(onDone),
  );
  async function upload(list: File[]) {
    setUploading(true);
    try {
      for (const file of list) {
        const { sha256, filename } = await uploadEvidence(base, file);
        // The same file chosen twice is cited once.
        setFiles((all) => [...all.filter((f) => f.sha256 !== sha256), { sha256, filename }]);
      }
      setUploadError('');
      cmd.clear('description');
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
        const description = String(new FormData(e.currentTarget).get('description') ?? '');
        void cmd.submit({ description, evidence: files });
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
            const chosen = [...(e.target.files ?? [])];
            // Cleared, so choosing a removed file again uploads it again.
            e.target.value = '';
            if (chosen.length) void upload(chosen);
          }}
          data-testid="rectification-file"
        />
        {uploadError && <span className="field-error">{uploadError}</span>}
        <FieldError errors={cmd.errors} name="evidence" />
      </label>
      {files.length > 0 && (
        <ul data-testid="rectification-files">
          {files.map((f) => (
            <li key={f.sha256} className="ok">
              ✓{' '}
              <span className="ellipsis" title={f.filename}>
                {f.filename}
              </span>{' '}
              <button
                type="button"
                className="link"
                onClick={() => setFiles((all) => all.filter((x) => x.sha256 !== f.sha256))}
                data-testid="rectification-file-remove"
              >
                {t('rectification.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <FieldError errors={cmd.errors} name="form" />
      <CommandStatus cmd={cmd} />
      <SubmitButton pending={cmd.pending || uploading} testId="rectification-submit">
        {t('form.rectification')}
      </SubmitButton>
    </form>
  );
}

/** 核验整改: accept (销号), or refuse with reasons and send it back to the village. */
function VerifyForm({ path, onDone }: { path: string; onDone: () => void }) {
  const [accepted, setAccepted] = useState(true);
  const cmd = useCommand(VerifyRectification, (body, command) =>
    command(`${path}/verify`, body).then(onDone),
  );
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
      <CommandStatus cmd={cmd} />
      <SubmitButton pending={cmd.pending} testId="verify-submit">
        {t(accepted ? 'form.closeOut' : 'form.sendBack')}
      </SubmitButton>
    </form>
  );
}
