import {
  SubmitRectificationEvidence,
  VerifyRectification,
  type RectificationState,
  type RectificationSummary,
} from '@fivestar/contracts';
import { api } from '../../api';
import { FieldError, lines, SubmitButton, useCommand } from '../../forms';
import { t } from '../../i18n';
import { useUser } from '../../session';
import { useApi } from '../../use-api';

/** Findings and their rectification: deadline, ladder level, and the secretary's or township's next act. */
export function Findings({ base, findings }: { base: string; findings: RectificationSummary[] }) {
  return (
    <section className="panel" data-testid="findings">
      <h2>{t('branch.findings')}</h2>
      {findings.length === 0 && <p className="muted">{t('app.none')}</p>}
      {findings.map((f) => (
        <Finding key={f.findingId} path={`${base}/findings/${f.findingId}`} summary={f} />
      ))}
    </section>
  );
}

function Finding({ path, summary }: { path: string; summary: RectificationSummary }) {
  const user = useUser();
  const loaded = useApi<RectificationState>(path);
  const s = loaded.data;
  return (
    <div className="star-card" data-testid="finding" data-finding={summary.findingId}>
      <strong className="ellipsis" title={summary.title}>
        {summary.title}
      </strong>
      <div className="muted">{t(`step.${summary.source}`)}</div>
      {s && (
        <>
          <div>
            {t(`finding.${s.status}`)} ·{' '}
            {t('branch.deadline', { deadline: new Date(s.deadline).toLocaleString() })}
            {s.escalationLevel && ` · ${t(`level.${s.escalationLevel}`)}`}
          </div>
          {s.evidence.map((e) => (
            <p key={e.at}>{e.description}</p>
          ))}
          {s.rejections.map((r) => (
            <p key={r.at} className="error">
              {r.reasons.join('；')}
            </p>
          ))}
          {s.status === 'awaiting_evidence' && user?.role === 'village_secretary' && (
            <RectificationForm path={path} onDone={loaded.reload} />
          )}
          {s.status === 'awaiting_verification' && user?.role === 'township_reviewer' && (
            <VerifyForm path={path} onDone={loaded.reload} />
          )}
        </>
      )}
    </div>
  );
}

function RectificationForm({ path, onDone }: { path: string; onDone: () => void }) {
  const cmd = useCommand(SubmitRectificationEvidence, (body) =>
    api(`${path}/evidence`, { json: body }).then(onDone),
  );
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void cmd.submit({ description: new FormData(e.currentTarget).get('description') });
      }}
    >
      <label>
        {t('form.description')}
        <textarea name="description" rows={3} data-testid="rectification-description" />
        <FieldError errors={cmd.errors} name="description" />
      </label>
      <FieldError errors={cmd.errors} name="form" />
      <SubmitButton pending={cmd.pending} testId="rectification-submit">
        {t('form.rectification')}
      </SubmitButton>
    </form>
  );
}

function VerifyForm({ path, onDone }: { path: string; onDone: () => void }) {
  const cmd = useCommand(VerifyRectification, (body) => api(`${path}/verify`, { json: body }).then(onDone));
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        const accepted = form.get('accepted') === 'on';
        void cmd.submit({ accepted, reasons: accepted ? undefined : lines(form.get('reasons')) });
      }}
    >
      <label className="inline">
        <input type="checkbox" name="accepted" defaultChecked data-testid="verify-accepted" />
        {t('form.accepted')}
      </label>
      <label>
        {t('form.reasons')}
        <textarea name="reasons" rows={2} data-testid="verify-reasons" />
        <FieldError errors={cmd.errors} name="reasons" />
      </label>
      <FieldError errors={cmd.errors} name="form" />
      <SubmitButton pending={cmd.pending} testId="verify-submit">
        {t('form.verify')}
      </SubmitButton>
    </form>
  );
}
