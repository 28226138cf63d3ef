import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_AUTHORIZED } from '../../../src/renderer/src/api/messages';
import { buildApp, type BuiltApp } from '../../unit/app-shell/build-app';
import { startTestServer, type TestServer } from '../server/server-harness';
import { chromiumAvailable, launchChromium, SHOTS } from './chromium-harness';

const haveChromium = chromiumAvailable('browser UI tests');

/**
 * The link `hippo serve` prints opens the UI already authorized, in real Chromium against a real
 * server, database and model: the page takes the token, hides it from the address bar, and
 * searches the memory with it.
 */
describe.skipIf(!haveChromium)('the UI served by hippo serve, in Chromium', () => {
  let app: BuiltApp;
  let t: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    app = await buildApp();
    t = await startTestServer({ rendererDir: join(app.dir, 'renderer') });
    await t.mem.memory.encode({ content: 'Priya lives in Toronto' });
    await t.mem.memory.encode({ content: 'The dentist appointment moved to Thursday' });
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    app?.remove();
  });

  it('opens authorized from the printed link, hides the token, and finds a fact as you type', async () => {
    const page = await browser.newPage();
    const failed: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') failed.push(m.text());
    });
    await page.goto(t.server.openUrl);
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toContain('Connected to your memory: 2 facts');
    expect(page.url()).not.toContain('token');
    expect(page.url()).toBe(`${t.server.url}/`);

    await page.getByRole('searchbox', { name: 'Search your memory' }).fill('where does Priya live');
    const results = page.getByRole('list', { name: 'Results' });
    await expect.poll(() => results.locator('li').first().textContent()).toContain('Priya lives in Toronto');
    await page.screenshot({ path: join(SHOTS, 'browser-ui-search.png') });

    // A reload keeps the tab authorized (the token stayed in session storage, not in the address).
    await page.reload();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('2 facts');
    expect(failed, failed.join('\n')).toEqual([]);
    await page.close();
  });

  it.each([
    { name: '4k', viewport: { width: 3840, height: 2160 }, scale: 1 },
    { name: '4k-hidpi', viewport: { width: 1920, height: 1080 }, scale: 2 },
  ])(
    'reads well on a 4K screen ($name): one centred column, nothing stretched edge to edge',
    async (shot) => {
      const context = await browser.newContext({ viewport: shot.viewport, deviceScaleFactor: shot.scale });
      const page = await context.newPage();
      await page.goto(t.server.openUrl);
      await expect.poll(() => page.getByRole('status').textContent()).toContain('Connected to your memory');
      await page.getByRole('searchbox', { name: 'Search your memory' }).fill('Priya');
      await expect
        .poll(() => page.getByRole('list', { name: 'Results' }).locator('li').count())
        .toBeGreaterThan(0);
      for (const hash of ['#search', '#facts', '#settings']) {
        await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
        await page.waitForTimeout(300);
        // A string, because this file is typechecked without the DOM types.
        const layout = await page.evaluate<{
          scrollWidth: number;
          mainWidth: number;
          left: number;
          right: number;
        }>(
          `(() => {
          const main = document.querySelector('main').getBoundingClientRect();
          return {
            scrollWidth: document.documentElement.scrollWidth,
            mainWidth: main.width,
            left: main.left,
            right: window.innerWidth - main.right,
          };
        })()`,
        );
        // Lines of text stay a readable length and the column sits in the middle.
        expect(layout.mainWidth).toBeLessThanOrEqual(1200);
        expect(Math.abs(layout.left - layout.right)).toBeLessThanOrEqual(2);
        expect(layout.scrollWidth).toBeLessThanOrEqual(shot.viewport.width);
        await page.screenshot({ path: join(SHOTS, `ui-${shot.name}-${hash.slice(1)}.png`) });
      }
      await context.close();
    },
  );

  it('says in words that it is not authorized, without the link or with a wrong token', async () => {
    for (const url of [`${t.server.url}/`, `${t.server.url}/?token=wrong`]) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(url);
      await expect.poll(() => page.getByRole('alert').textContent()).toBe(NOT_AUTHORIZED);
      expect(await page.getByRole('searchbox').isDisabled()).toBe(true);
      await context.close();
    }
  });
});

describe.skipIf(!haveChromium)('capture, search, forget and undo in Chromium at 800×600', () => {
  let app: BuiltApp;
  let t: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    app = await buildApp();
    t = await startTestServer({ rendererDir: join(app.dir, 'renderer') });
    await t.mem.memory.encode({ content: 'Priya lives in Toronto' });
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    app?.remove();
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`captures a fact, finds it, forgets it and brings it back (${colorScheme})`, async () => {
      const context = await browser.newContext({ viewport: { width: 800, height: 600 }, colorScheme });
      const page = await context.newPage();
      const failed: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') failed.push(m.text());
      });
      await page.goto(t.server.openUrl);
      const connected = page.getByRole('status').filter({ hasText: 'Connected to your memory' });
      await expect.poll(() => connected.textContent()).toMatch(/Connected to your memory: \d+ facts?/);
      const before = t.mem.memory.db
        .prepare('SELECT count(*) AS n FROM facts WHERE deleted_at IS NULL')
        .get() as {
        n: number;
      };

      const capture = page.getByRole('textbox', { name: 'Remember a fact' });
      const fact = `Sam's ${colorScheme} bike lock code is 4821`;
      // The duplicate preview shows facts close to the draft before it is saved.
      await capture.fill('Priya lives in Toronto now');
      await expect
        .poll(() => page.getByRole('list', { name: 'Similar facts' }).textContent())
        .toContain('Priya lives in Toronto');
      await capture.fill(fact);
      await page.getByRole('button', { name: 'Remember', exact: true }).click();
      await expect
        .poll(() => page.getByRole('status', { name: 'Capture result' }).textContent())
        .toBe('Remembered.');
      await expect.poll(() => connected.textContent()).toContain(`${before.n + 1} facts`);

      const search = page.getByRole('searchbox', { name: 'Search your memory' });
      await search.fill(`${colorScheme} bike lock`);
      const results = page.getByRole('list', { name: 'Results' });
      await expect.poll(() => results.locator('li').first().textContent()).toContain(fact);
      expect(await results.locator('li').first().locator('mark').allTextContents()).toEqual(
        expect.arrayContaining([colorScheme, 'bike', 'lock']),
      );
      await page.screenshot({ path: join(SHOTS, `ui-search-${colorScheme}.png`) });

      // ↓ then ↑ keeps the first result selected; Enter opens its details.
      await search.press('ArrowDown');
      await search.press('ArrowUp');
      await search.press('Enter');
      await expect
        .poll(() => results.locator('li').first().locator('details:not(.why)').getAttribute('open'))
        .toBe('');
      expect(await results.locator('li').first().getAttribute('aria-current')).toBe('true');

      // Delete with the caret at the end of the search box forgets the selected result.
      await search.press('End');
      await search.press('Delete');
      await expect.poll(() => page.getByRole('button', { name: 'Undo' }).isVisible()).toBe(true);
      await expect.poll(() => results.textContent()).not.toContain(fact);
      await expect.poll(() => connected.textContent()).toContain(`${before.n} fact`);
      await page.screenshot({ path: join(SHOTS, `ui-forgotten-${colorScheme}.png`) });

      await page.getByRole('button', { name: 'Undo' }).click();
      await expect.poll(() => results.locator('li').first().textContent()).toContain(fact);
      await expect.poll(() => connected.textContent()).toContain(`${before.n + 1} facts`);
      expect(failed, failed.join('\n')).toEqual([]);
      await context.close();
    });
  }

  it('shows the Facts timeline by day, and the Trash restores and deletes for good', async () => {
    const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
    const page = await context.newPage();
    page.on('dialog', (d) => void d.accept());
    const doomed = (await t.mem.memory.encode({ content: 'The wifi password is hunter2' })).id;
    const kept = (await t.mem.memory.encode({ content: 'Mum likes yellow tulips' })).id;
    await page.goto(t.server.openUrl);
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Facts' }).click();
    const facts = page.getByRole('region', { name: 'Facts' });
    await expect.poll(() => facts.getByRole('heading', { level: 2 }).first().textContent()).toBeTruthy();
    await expect.poll(() => facts.textContent()).toContain('Mum likes yellow tulips');

    for (const content of ['The wifi password is hunter2', 'Mum likes yellow tulips']) {
      await page.getByRole('button', { name: `Forget “${content}”` }).click();
      await expect.poll(() => facts.textContent()).not.toContain(content);
    }
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => facts.textContent()).toContain('Mum likes yellow tulips');
    await page.getByRole('button', { name: 'Forget “Mum likes yellow tulips”' }).click();

    await page.getByRole('button', { name: 'Trash' }).click();
    const trash = page.getByRole('region', { name: 'Trash' });
    await expect.poll(() => trash.textContent()).toContain('2 forgotten facts');
    await page.screenshot({ path: join(SHOTS, 'ui-trash.png') });
    await page.getByRole('button', { name: 'Restore “Mum likes yellow tulips”' }).click();
    await page.getByRole('button', { name: 'Delete “The wifi password is hunter2” for good' }).click();
    await expect.poll(() => trash.textContent()).toContain('The trash is empty.');
    expect(t.mem.memory.db.prepare('SELECT count(*) AS n FROM facts WHERE id = ?').get(doomed)).toEqual({
      n: 0,
    });
    expect(t.mem.memory.get(kept).deleted_at).toBeNull();

    await page.getByRole('button', { name: 'Timeline' }).click();
    await expect.poll(() => facts.textContent()).toContain('Mum likes yellow tulips');
    await page.screenshot({ path: join(SHOTS, 'ui-facts.png') });
    await context.close();
  });

  it('opens the quick-capture view at #capture: only the capture box, focused, and it saves', async () => {
    const context = await browser.newContext({ viewport: { width: 560, height: 260 } });
    const page = await context.newPage();
    await page.goto(`${t.server.openUrl}#capture`);
    const capture = page.getByRole('textbox', { name: 'Remember a fact' });
    await expect.poll(() => capture.isEnabled()).toBe(true);
    expect(await capture.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    expect(await page.getByRole('searchbox').count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'ui-quick-capture.png') });
    await capture.fill('The boiler was serviced in March');
    await capture.press('Enter');
    await expect
      .poll(() => page.getByRole('status', { name: 'Capture result' }).textContent())
      .toBe('Remembered.');
    const rows = t.mem.memory.db
      .prepare("SELECT count(*) AS n FROM facts WHERE content = 'The boiler was serviced in March'")
      .get();
    expect(rows).toEqual({ n: 1 });
    await context.close();
  });
});
