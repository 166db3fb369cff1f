import { useState, type ReactNode } from 'react';
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
 * keep the client's or the server's field messages.
 */
export function useCommand<S extends z.ZodType>(schema: S, send: (body: z.output<S>) => Promise<unknown>) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [pending, setPending] = useState(false);
  async function submit(input: unknown, refused: FieldErrors = {}): Promise<boolean> {
    if (pending) return false;
    const parsed = schema.safeParse(input);
    if (!parsed.success || Object.keys(refused).length > 0) {
      setErrors({ ...(parsed.success ? {} : fieldErrors(parsed.error)), ...refused });
      return false;
    }
    setErrors({});
    setPending(true);
    try {
      await send(parsed.data);
      return true;
    } catch (err) {
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
  /** Drops a field's message once the user changes that field. */
  const clear = (name: string) => setErrors(({ [name]: _, ...rest }) => rest);
  return { errors, pending, submit, clear };
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
