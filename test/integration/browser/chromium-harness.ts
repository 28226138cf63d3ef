import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { REPO_ROOT } from '../../unit/app-shell/build-app';

/** The system Chromium (Playwright cannot download its own here); HIPPO_CHROMIUM points elsewhere. */
export const CHROMIUM = process.env.HIPPO_CHROMIUM ?? '/usr/bin/chromium';

/** Where the browser tests save their screenshots, to look at after a run. */
export const SHOTS = join(REPO_ROOT, 'test-results');

/** Whether Chromium is there; when not, says which tests are skipped and how to get it. */
export function chromiumAvailable(suite: string): boolean {
  const found = existsSync(CHROMIUM);
  if (!found)
    console.warn(
      `${suite} skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set HIPPO_CHROMIUM)`,
    );
  return found;
}

/** Headless Chromium as CI runs it (root, no GPU), with the screenshot folder ready. */
export function launchChromium(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
}
