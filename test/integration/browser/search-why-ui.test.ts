import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type BuiltApp } from '../../unit/app-shell/build-app';
import { startTestServer, type TestServer } from '../server/server-harness';
import { chromiumAvailable, launchChromium, SHOTS } from './chromium-harness';

const haveChromium = chromiumAvailable('search "why?" UI tests');

/**
 * The search screen's time-word note and "why?" disclosure in real Chromium against a real
 * server, database and model (as `hippo serve` offers the UI).
 */
describe.skipIf(!haveChromium)('search time words and "why?" in Chromium', () => {
  let app: BuiltApp;
  let t: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    app = await buildApp();
    t = await startTestServer({ rendererDir: join(app.dir, 'renderer') });
    await t.mem.memory.encode({
      content: 'The dentist appointment moved to Thursday',
      created_at: '2021-06-15T10:00:00Z',
    });
    await t.mem.memory.encode({ content: 'Paid the dentist bill at the front desk' });
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    app?.remove();
  });

  it('says how "in 2021" was read, keeps to it, and opens a result\'s why?', async () => {
    const page = await browser.newPage();
    const failed: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') failed.push(m.text());
    });
    await page.goto(t.server.openUrl);
    await expect.poll(() => page.getByRole('status').textContent()).toContain('2 facts');
    const box = page.getByRole('searchbox', { name: 'Search your memory' });
    const results = page.getByRole('list', { name: 'Results' });

    await box.fill('dentist in 2021');
    await expect
      .poll(() => page.getByRole('note', { name: 'Time words' }).textContent())
      .toMatch(/^Read “in 2021” as .*2021 – .*2021; searching “dentist”\.$/);
    await expect.poll(() => results.locator('li').allTextContents()).toHaveLength(1);

    await box.fill('dentist bill');
    await expect.poll(() => results.locator('li').first().textContent()).toContain('Paid the dentist bill');
    const first = results.locator('li').first();
    await first.getByText('why?').click();
    const why = first.locator('details.why');
    await expect.poll(() => why.textContent()).toContain('Wordsdentist, bill');
    expect(await why.getAttribute('open')).not.toBeNull();
    expect(await why.textContent()).toMatch(/By words#1, words close together \(\+0\.0164\)/);
    await page.screenshot({ path: join(SHOTS, 'search-why.png') });
    expect(failed, failed.join('\n')).toEqual([]);
    await page.close();
  });
});
