import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { z } from 'zod';
import { ApiError, type FieldErrors } from './api';
import { t } from './i18n';

/** zod issues keyed like the server's problem fields (without the request part). */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) out[issue.path.join('.') || 'form'] ??= issue.message;
  return out;
}

/**
 * One command form's life: validate with the contract's schema (and the form's own checks, `refused`:
 * messages by field for what the schema cannot know), send once (the button is disabled while pending),
 * keep the client's or the server's field messages until the user changes that field (`clear`, or
 * `changed` as the form's onChange).
 */
export function useCommand<S extends z.ZodType>(schema: S, send: (body: z.output<S>) => Promise<unknown>) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [pending, setPending] = useState(false);
  // The server's refusal naming fields also has a summary (`form`): it goes with the last field message.
  const summary = useRef(false);
  async function submit(input: unknown, refused: FieldErrors = {}): Promise<boolean> {
    if (pending) return false;
    const parsed = schema.safeParse(input);
    if (!parsed.success || Object.keys(refused).length > 0) {
      summary.current = false;
      setErrors({ ...(parsed.success ? {} : fieldErrors(parsed.error)), ...refused });
      return false;
    }
    setErrors({});
    setPending(true);
    try {
      await send(parsed.data);
      return true;
    } catch (err) {
      summary.current = err instanceof ApiError && Object.keys(err.fields).length > 0;
      setErrors(
        err instanceof ApiError
          ? { ...err.fields, form: err.message }
          : { form: String((err as Error).message) },
      );
      return false;
    } finally {
      setPending(false);
    }
  }
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
  return { errors, pending, submit, clear, changed };
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
