import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '@fivestar/api';
import { eventually } from './harness';

/** The screens the console is made for: a laptop and a phone. */
export const DESKTOP = { width: 1366, height: 768 };
export const PHONE = { width: 390, height: 844 };

/** What the browser tests do with the console: sign in (1366×768 unless told) in Chinese, read texts, screenshot. */
export interface ConsolePages {
  /**
   * A fresh browser context (its own localStorage) signed in as `username` through the login page;
   * `loginShot` names a screenshot of the filled-in login form.
   */
  signIn(username: string, loginShot?: string, viewport?: { width: number; height: number }): Promise<Page>;
  /** The text of a test id once `ok` holds (pages fetch after they render). */
  textOf(page: Page, testId: string, ok: (text: string) => boolean): Promise<string>;
  /** A full-page screenshot, numbered in the order taken, into var/screenshots/<name>/. */
  screenshot(page: Page, name: string): Promise<void>;
  /** Uncaught errors of every page so far: a test ends by expecting none. */
  pageErrors: string[];
  /** Errors logged to the console (a failed request among them) of every page so far. */
  consoleErrors: string[];
}

export function consolePages(browser: Browser, baseUrl: string, shots: string): ConsolePages {
  const dir = path.resolve(__dirname, '../var/screenshots', shots);
  mkdirSync(dir, { recursive: true });
  let taken = 0;
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  const screenshot = async (page: Page, name: string) => {
    taken += 1;
    const file = path.join(dir, `${String(taken).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
  };
  return {
    pageErrors,
    consoleErrors,
    async signIn(username, loginShot, viewport = DESKTOP) {
      const context = await browser.newContext({ viewport, locale: 'zh-CN' });
      const page = await context.newPage();
      page.on('pageerror', (err) => pageErrors.push(`${username}: ${err.message}`));
      page.on('console', (msg) => {
        if (msg.type() === 'error') consoleErrors.push(`${username}: ${msg.text()}`);
      });
      await page.goto(`${baseUrl}/login`);
      await page.getByTestId('login-username').fill(username);
      await page.getByTestId('login-password').fill(DEMO_PASSWORD);
      if (loginShot) await screenshot(page, loginShot);
      await page.getByTestId('login-submit').click();
      await page.getByTestId('current-user').waitFor();
      return page;
    },
    textOf: (page, testId, ok) =>
      eventually(
        async () => (await page.getByTestId(testId).textContent({ timeout: 10_000 })) ?? '',
        ok,
        20_000,
      ),
    screenshot,
  };
}

/** Types a score into every score field of `form` (a selector), from the field's maximum. */
export async function fillScores(page: Page, form: string, score: (max: number) => number): Promise<void> {
  await page.waitForSelector(`${form} input[data-testid^=score-]`);
  for (const input of await page.locator(`${form} input[data-testid^=score-]`).all()) {
    await input.fill(String(score(Number(await input.getAttribute('max')))));
  }
}

/**
 * What a page shows that it should not: a horizontal scroll, dictionary keys or `{placeholders}` left in
 * its text, and (on a phone) anything tapped lower than 44 px — a checkbox or radio counts by its label.
 * (Run in the page as a script: the tests are compiled without the DOM's types.)
 */
export function layoutProblems(page: Page, phone: boolean): Promise<string[]> {
  return page.evaluate(String.raw`(() => {
    const problems = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth)
      problems.push('horizontal scroll: ' + root.scrollWidth + ' > ' + root.clientWidth);
    const keys = document.body.innerText.match(/\b[a-z][a-zA-Z]*(\.[a-zA-Z]+)+\b|\{\w+\}/g) || [];
    for (const key of keys) problems.push('untranslated: ' + key);
    if (${phone})
      for (const el of document.querySelectorAll('a, button, input, select')) {
        if (!el.getBoundingClientRect().height) continue;
        const tapped = el.matches('[type=checkbox], [type=radio]') ? el.closest('label') || el : el;
        const height = tapped.getBoundingClientRect().height;
        if (height < 44) problems.push('small tap target (' + height + ' px): ' + el.outerHTML.slice(0, 90));
      }
    return problems;
  })()`);
}
