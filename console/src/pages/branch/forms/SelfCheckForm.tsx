import { useState } from 'react';
import { SubmitSelfCheck, type Catalog, type EvidenceRef } from '@fivestar/contracts';
import { api } from '../../../api';
import { FieldError, SubmitButton, useCommand } from '../../../forms';
import { t } from '../../../i18n';
import { claimedStars, missingEvidence } from '../model';
import { uploadEvidence } from '../upload';
import { ScoreInputs, readScores } from './ScoreInputs';
import type { StepFormProps } from './StepForm';

/** 村自评: claimed stars, a score per task, a file per evidence requirement; after a return, the last submission. */
export function SelfCheckForm({
  base,
  state,
  catalog,
  onDone,
  onUploaded,
}: StepFormProps & { catalog: Catalog }) {
  const previous = state.selfCheck;
  const [stars, setStars] = useState<string[]>(state.targetStars);
  const [attached, setAttached] = useState<EvidenceRef[]>(previous?.evidence ?? []);
  const [uploadErrors, setUploadErrors] = useState<Record<string, string>>({});
  const cmd = useCommand(SubmitSelfCheck, (body) => api(`${base}/self-check`, { json: body }).then(onDone));
  const missing = missingEvidence(catalog, stars, new Set(attached.map((e) => e.requirement)));

  async function upload(requirement: string, file: File) {
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
    }
  }

  return (
    <form
      className="panel"
      data-testid="self-check-form"
      noValidate
      onChange={cmd.changed}
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
            initial={previous?.scores}
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
        <textarea name="notes" rows={2} defaultValue={previous?.notes ?? ''} data-testid="self-check-notes" />
        <FieldError errors={cmd.errors} name="notes" />
      </label>
      <FieldError errors={cmd.errors} name="form" />
      <SubmitButton pending={cmd.pending} testId="self-check-submit" />
    </form>
  );
}
