import { useEffect, useRef, useState } from 'react';
import { SubmitSelfCheck, type Catalog, type EvidenceRef } from '@fivestar/contracts';
import { CommandStatus, FieldError, SubmitButton, useCommand } from '../../../forms';
import { t } from '../../../i18n';
import { claimedStars, missingEvidence } from '../model';
import { uploadEvidence } from '../upload';
import { dropDraft, loadDraft, saveDraft } from './draft';
import { ScoreInputs, readScores } from './ScoreInputs';
import type { StepFormProps } from './props';

/** 村自评: claimed stars, a score per task, a file per evidence requirement; after a return, the last submission. */
export function SelfCheckForm({
  base,
  state,
  catalog,
  onDone,
  onUploaded,
}: StepFormProps & { catalog: Catalog }) {
  const previous = state.selfCheck;
  // What was entered here and not sent (this attempt) wins over the last submission.
  const [draft] = useState(() => loadDraft(localStorage, base, state.attempt));
  const [stars, setStars] = useState<string[]>(draft?.targetStars ?? state.targetStars);
  const [attached, setAttached] = useState<EvidenceRef[]>(draft?.evidence ?? previous?.evidence ?? []);
  const [uploadErrors, setUploadErrors] = useState<Record<string, string>>({});
  // Files still on their way: sending now would cite them before they exist on the server.
  const [uploading, setUploading] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  const cmd = useCommand(SubmitSelfCheck, async (body, command) => {
    await command(`${base}/self-check`, body);
    dropDraft(localStorage, base, state.attempt);
    onDone();
  });
  // Kept after every change: ticks and uploads (state) and typed scores and notes (read from the form).
  const keep = () => {
    const form = formRef.current;
    if (!form) return;
    saveDraft(localStorage, base, state.attempt, {
      targetStars: stars.length ? stars : undefined,
      evidence: attached,
      scores: readScores(form).scores,
      notes: String(new FormData(form).get('notes') ?? ''),
    });
  };
  useEffect(keep, [stars, attached]);
  const missing = missingEvidence(catalog, stars, new Set(attached.map((e) => e.requirement)));

  async function upload(requirement: string, file: File) {
    setUploading((n) => n + 1);
    try {
      const saved = await uploadEvidence(base, file);
      setAttached((list) => [
        ...list.filter((e) => e.requirement !== requirement),
        { requirement, sha256: saved.sha256, filename: saved.filename },
      ]);
      setUploadErrors(({ [requirement]: _, ...rest }) => rest);
      onUploaded();
    } catch (err) {
      setUploadErrors((e) => ({ ...e, [requirement]: (err as Error).message }));
    } finally {
      setUploading((n) => n - 1);
    }
  }

  return (
    <form
      className="panel"
      data-testid="self-check-form"
      noValidate
      ref={formRef}
      onChange={(e) => {
        cmd.changed(e);
        keep();
      }}
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        const { scores, errors } = readScores(e.currentTarget);
        const wanted = new Set(
          claimedStars(catalog, stars).flatMap((s) => s.tasks.flatMap((t) => t.evidence.map((r) => r.code))),
        );
        void cmd.submit(
          {
            scores,
            targetStars: stars,
            notes: String(form.get('notes') ?? '') || undefined,
            evidence: attached.filter((a) => wanted.has(a.requirement)),
          },
          errors,
        );
      }}
    >
      <h2>{t('form.selfCheck')}</h2>
      <p className="hint">{t('form.selfCheckHint')}</p>
      <fieldset data-testid="target-stars">
        <legend>{t('form.targetStars')}</legend>
        {catalog.stars.map((s) => (
          <label key={s.code} className="inline">
            <input
              type="checkbox"
              checked={stars.includes(s.code)}
              onChange={(e) => {
                cmd.clear('targetStars');
                setStars((list) => (e.target.checked ? [...list, s.code] : list.filter((c) => c !== s.code)));
              }}
              data-testid={`star-${s.code}`}
            />
            {s.name}
          </label>
        ))}
        <FieldError errors={cmd.errors} name="targetStars" />
      </fieldset>
      {claimedStars(catalog, stars).map((star) => (
        <fieldset key={star.code} data-testid={`self-check-star-${star.code}`}>
          <legend>{star.name}</legend>
          <ScoreInputs
            tasks={star.tasks}
            errors={cmd.errors}
            initial={draft?.scores ?? previous?.scores}
            underTask={(task) =>
              task.evidence.map((req) => {
                const file = attached.find((a) => a.requirement === req.code);
                return (
                  <label
                    key={req.code}
                    className="task-evidence"
                    data-testid="evidence-requirement"
                    data-requirement={req.code}
                  >
                    <span>
                      {req.title}
                      {req.required && ' *'} {file && <span className="ok">✓ {file.filename}</span>}
                    </span>
                    <input
                      type="file"
                      data-field="evidence"
                      onChange={(e) => {
                        const f = e.target.files?.[0];
                        if (f) void upload(req.code, f);
                      }}
                      data-testid="evidence-file"
                    />
                    {uploadErrors[req.code] && <span className="field-error">{uploadErrors[req.code]}</span>}
                  </label>
                );
              })
            }
          />
        </fieldset>
      ))}
      <section data-testid="missing-evidence">
        <h2>{t('form.missing')}</h2>
        {missing.length === 0 ? (
          <p className="ok">{t('form.noneMissing')}</p>
        ) : (
          <ul>
            {missing.map((m) => (
              <li key={m.code} data-testid="missing-item">
                {m.code} {m.title}
              </li>
            ))}
          </ul>
        )}
        <FieldError errors={cmd.errors} name="evidence" />
      </section>
      <label>
        {t('form.notes')}
        <textarea
          name="notes"
          rows={2}
          defaultValue={draft?.notes ?? previous?.notes ?? ''}
          data-testid="self-check-notes"
        />
        <FieldError errors={cmd.errors} name="notes" />
      </label>
      <FieldError errors={cmd.errors} name="form" />
      <CommandStatus cmd={cmd} />
      <SubmitButton pending={cmd.pending || uploading > 0} testId="self-check-submit" />
    </form>
  );
}
