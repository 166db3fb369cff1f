import { SubmitSelfCheck } from '@fivestar/contracts';

/**
 * What a secretary has entered in the self-check and not yet sent, kept in this browser per branch and
 * attempt: a long form survives leaving the page, a reload or a lost connection. Any part may be absent
 * (no star ticked yet is no `targetStars`).
 */
const SelfCheckDraft = SubmitSelfCheck.partial();
export type SelfCheckDraft = ReturnType<typeof SelfCheckDraft.parse>;

const keyOf = (base: string, attempt: number) => `fivestar.draft.self-check:${base}:${attempt}`;

/** The draft kept for this attempt, or null (none, or one this version cannot read). */
export function loadDraft(store: Storage, base: string, attempt: number): SelfCheckDraft | null {
  try {
    const parsed = SelfCheckDraft.safeParse(JSON.parse(store.getItem(keyOf(base, attempt)) ?? 'null'));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function saveDraft(store: Storage, base: string, attempt: number, draft: SelfCheckDraft): void {
  try {
    store.setItem(keyOf(base, attempt), JSON.stringify(draft));
  } catch {
    // A full or refused storage only loses the convenience, never the form.
  }
}

export function dropDraft(store: Storage, base: string, attempt: number): void {
  store.removeItem(keyOf(base, attempt));
}
