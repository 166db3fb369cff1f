import { useSyncExternalStore } from 'react';

/** zh-CN first; English is a switch persisted in localStorage. Pages register their own dictionaries. */
export type Lang = 'zh' | 'en';
export type Dictionary = Record<string, { zh: string; en: string }>;

const LANG_KEY = 'fivestar.lang';
const dictionary: Dictionary = {};
const listeners = new Set<() => void>();
let lang: Lang = localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh';

/** The language in force (for texts built outside the dictionary). */
export const currentLang = (): Lang => lang;

/** Adds a page's keys (named `page.key`); a duplicate key is a programming error. */
export function register(entries: Dictionary): void {
  for (const [key, text] of Object.entries(entries)) {
    if (key in dictionary) throw new Error(`duplicate i18n key ${key}`);
    dictionary[key] = text;
  }
}

/** The text for `key`, with `{name}` placeholders filled; an unknown key shows itself so it gets noticed. */
export function t(key: string, vars: Record<string, string | number> = {}): string {
  const text = dictionary[key]?.[lang] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
}

/** Like t, but `fallback` when the dictionary has no such key (free text from the server). */
export function tOr(key: string, fallback: string): string {
  return key in dictionary ? t(key) : fallback;
}

/**
 * The label of a code the server sends (an enum value registered as `group.value`: `level.red`,
 * `role.admin`, `importOutcome.created`…); a value without a label shows as it is.
 */
export const label = (group: string, value: string): string => tOr(`${group}.${value}`, value);

export function setLang(next: Lang): void {
  lang = next;
  localStorage.setItem(LANG_KEY, next);
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
  for (const listener of listeners) listener();
}

/** Re-renders the caller when the language changes. */
export function useLang(): Lang {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => lang,
  );
}
