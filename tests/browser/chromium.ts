import { existsSync, mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

/** Debian's Chromium, which .ci/run installs: in CI a missing browser fails the tests rather than skipping them. */
const CHROMIUM = '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM) || Boolean(process.env.CI);

/** Where the browser tests put their screenshots and downloads. */
export const outputDir = new URL('../output/', import.meta.url).pathname;

export function launchChromium() {
  mkdirSync(outputDir, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}
