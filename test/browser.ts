import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's chromium, headless, as this machine allows it: no sandbox (root), and none of the
 * background connections a closed network refuses (`npm test` installs it; CHROMIUM_PATH overrides).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
