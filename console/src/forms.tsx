import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { z } from 'zod';
import { ApiError, command, type FieldErrors } from './api';
import { NotTakenError, StillProcessingError } from './command';
import { t } from './i18n';

/** zod issues keyed like the server's problem fields (without the request part). */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) out[issue.path.join('.') || 'form'] ??= issue.message;
  return out;
}

/** Sends a sign-off for this form (api.ts's `command`, the form's phase kept up to date). */
export type SendCommand = <T = unknown>(path: string, body: unknown) => Promise<T>;

/**
 * Where a sent command stands beyond pending: `accepted` — taken, its answer awaited (已受理，正在处理…);
 * `processing` — taken, no answer after a minute (not an error: look later); `notTaken` — the server was
 * busy or did not answer: nothing was done, `retry` sends the same body with the same key.
 */
export type CommandPhase = 'idle' | 'accepted' | 'processing' | 'notTaken';

/** What a failed command says on a row or a form: the phase it leaves, or the server's message. */
export function commandOutcome(err: unknown): { phase: CommandPhase; message: string } {
  if (err instanceof NotTakenError) return { phase: 'notTaken', message: t('command.notTaken') };
  if (err instanceof StillProcessingError) return { phase: 'processing', message: t('command.processing') };
  return { phase: 'idle', message: err instanceof Error ? err.message : String(err) };
}

/**
 * One command form's life: validate with the contract's schema (and the form's own checks, `refused`:
 * messages by field for what the schema cannot know), send once (the button is disabled while pending),
 * keep the client's or the server's field messages until the user changes that field (`clear`, or
 * `changed` as the form's onChange). A sign-off sends with the `command` it is handed (bounded: see
 * command.ts); `phase` says where it stands, and `retry` sends the last body again after a not-taken.
 */
export function useCommand<S extends z.ZodType>(
  schema: S,
  send: (body: z.output<S>, command: SendCommand) => Promise<unknown>,
) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [pending, setPending] = useState(false);
  const [phase, setPhase] = useState<CommandPhase>('idle');
  // The server's refusal naming fields also has a summary (`form`): it goes with the last field message.
  const summary = useRef(false);
  const last = useRef<{ body: z.output<S> } | null>(null);
  const bound: SendCommand = (path, body) => command(path, body, () => setPhase('accepted'));

  async function run(body: z.output<S>): Promise<boolean> {
    setErrors({});
    setPhase('idle');
    setPending(true);
    last.current = { body };
    try {
      await send(body, bound);
      last.current = null;
      setPhase('idle');
      return true;
    } catch (err) {
      const outcome = commandOutcome(err);
      setPhase(outcome.phase);
      if (outcome.phase === 'idle') {
        last.current = null;
        summary.current = err instanceof ApiError && Object.keys(err.fields).length > 0;
        setErrors(err instanceof ApiError ? { ...err.fields, form: err.message } : { form: outcome.message });
      }
      return false;
    } finally {
      setPending(false);
    }
  }
  async function submit(input: unknown, refused: FieldErrors = {}): Promise<boolean> {
    if (pending) return false;
    const parsed = schema.safeParse(input);
    if (!parsed.success || Object.keys(refused).length > 0) {
      summary.current = false;
      setPhase('idle');
      setErrors({ ...(parsed.success ? {} : fieldErrors(parsed.error)), ...refused });
      return false;
    }
    return run(parsed.data);
  }
  /** The last submission again, as it was sent (same body, so the same Idempotency-Key). */
  const retry = () => (last.current && !pending ? run(last.current.body) : Promise.resolve(false));
  /** Drops a field's message once the user changes that field (no render when it has none). */
  const clear = (name: string) =>
    setErrors((all) => {
      if (!(name in all)) return all;
      const { [name]: _, ...rest } = all;
      return summary.current && Object.keys(rest).every((key) => key === 'form') ? {} : rest;
    });
  /**
   * The form's onChange: the changed input's message goes. An input names its message by `data-field`
   * when that differs from its name (a score `score:X` answers to `scores.X`).
   */
  const changed = (e: FormEvent) => {
    const input = e.target as HTMLInputElement;
    const field = input.dataset.field ?? input.name;
    if (field) clear(field);
  };
  return { errors, pending, phase, submit, retry, clear, changed };
}

/** A sent command's standing under its form: accepted, still processing, or not taken with 重试. */
export function CommandStatus({
  cmd,
}: {
  cmd: { phase: CommandPhase; pending: boolean; retry: () => Promise<boolean> };
}) {
  if (cmd.phase === 'idle') return null;
  if (cmd.phase === 'notTaken')
    return (
      <p className="field-error" role="alert" data-testid="command-not-taken">
        {t('command.notTaken')}{' '}
        <button
          type="button"
          className="secondary"
          disabled={cmd.pending}
          onClick={() => void cmd.retry()}
          data-testid="command-retry"
        >
          {cmd.pending ? t('app.submitting') : t('command.retry')}
        </button>
      </p>
    );
  return (
    <p className="muted" role="status" data-testid={`command-${cmd.phase}`}>
      {t(cmd.phase === 'accepted' ? 'command.accepted' : 'command.processing')}
    </p>
  );
}

export function FieldError({ errors, name }: { errors: FieldErrors; name: string }) {
  const message = errors[name];
  return message ? (
    <span className="field-error" data-testid={`error-${name}`}>
      {message}
    </span>
  ) : null;
}

export function SubmitButton({
  pending,
  testId,
  children,
}: {
  pending: boolean;
  testId: string;
  children?: ReactNode;
}) {
  return (
    <button type="submit" disabled={pending} data-testid={testId}>
      {pending ? t('app.submitting') : (children ?? t('app.submit'))}
    </button>
  );
}

/** A textarea's non-empty lines, or undefined when there are none (so "required" messages show). */
export function lines(value: FormDataEntryValue | null): string[] | undefined {
  const list = String(value ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return list.length ? list : undefined;
}

/** A labelled text input with its field message under it (user, area and campaign forms). */
export function TextField({
  label,
  name,
  value,
  onChange,
  errors,
  type = 'text',
  testId,
  autoComplete,
}: {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  errors: FieldErrors;
  type?: 'text' | 'password' | 'number';
  testId: string;
  autoComplete?: string;
}) {
  return (
    <label>
      {label}
      <input
        type={type}
        name={name}
        value={value}
        autoComplete={autoComplete}
        onChange={(e) => onChange(e.target.value)}
        data-testid={testId}
      />
      <FieldError errors={errors} name={name} />
    </label>
  );
}
