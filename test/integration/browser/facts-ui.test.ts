import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseImport } from '../../../src/shared/import-formats';
import { buildApp, type BuiltApp } from '../../unit/app-shell/build-app';
import { distinctFacts } from '../../unit/renderer/import-fixtures';
import { startTestServer, type TestServer } from '../server/server-harness';
import { chromiumAvailable, launchChromium, SHOTS } from './chromium-harness';

const haveChromium = chromiumAvailable('Facts UI browser tests');
// Saves re-embed and imports run through the real embedder worker on a shared CPU: a poll waits
// for the page longer than vitest's default second.
vi.setConfig({ expect: { poll: { timeout: 15_000, interval: 50 } } });
const PLANNING =
  'the quarterly planning meeting with finance and legal moved from tuesday morning to thursday afternoon in room seven';

/**
 * The Facts view and the import/export panel in real Chromium against a real server, database and
 * model: what a person does with their facts, checked in the database underneath.
 */
describe.skipIf(!haveChromium)('the Facts view and import/export, in Chromium', () => {
  let app: BuiltApp;
  let t: TestServer;
  let browser: Browser;
  // Live facts are neither forgotten nor an older wording kept as another's history.
  const count = (where = 'deleted_at IS NULL AND superseded_by IS NULL') =>
    (t.mem.memory.db.prepare(`SELECT count(*) AS n FROM facts WHERE ${where}`).get() as { n: number }).n;

  beforeAll(async () => {
    app = await buildApp();
    t = await startTestServer({ rendererDir: join(app.dir, 'renderer') });
    const bulk = await t.mem.memory.importRecords(
      distinctFacts(230, 'older ').map((content) => ({
        content,
        category: 'bulk',
        created_at: '2026-01-15T10:00:00Z',
      })),
    );
    expect(bulk.every((r) => r.status === 'created')).toBe(true);
    await t.mem.memory.encode({
      content: 'Blood pressure was 120 over 80',
      label: 'health',
      category: 'medical',
    });
    await t.mem.memory.encode({ content: 'Allergic to penicillin', label: 'health', confidence: 0.6 });
    const first = await t.mem.memory.encode({ content: PLANNING, category: 'work' });
    expect(await t.mem.memory.encode({ content: `${PLANNING} sharp`, category: 'work' })).toMatchObject({
      id: first.id,
      status: 'merged',
    });
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    app?.remove();
  });

  async function open(
    size: { width: number; height: number } = { width: 1280, height: 800 },
    colorScheme: 'light' | 'dark' = 'light',
  ): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: size, acceptDownloads: true });
    const page = await context.newPage();
    await page.emulateMedia({ colorScheme });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('dialog', (d) => void d.accept());
    await page.goto(t.server.openUrl);
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Connected to your memory' }).count())
      .toBe(1);
    return { context, page, errors };
  }

  async function showFacts(page: Page): Promise<void> {
    // The nav's entries are buttons or links depending on the build; its text is what counts.
    await page.getByRole('navigation', { name: 'Screens' }).getByText('Facts', { exact: true }).click();
    await expect
      .poll(() => page.getByRole('region', { name: 'Facts' }).getByRole('heading').count())
      .toBeGreaterThan(0);
  }

  const textFile = (name: string, lines: string[]) => ({
    name,
    mimeType: 'text/plain',
    buffer: Buffer.from(lines.join('\n')),
  });

  /** Every aria-valuenow the import progress bar shows, sampled each frame. */
  async function watchProgress(page: Page): Promise<() => Promise<number[]>> {
    // A string: this file is typechecked for Node, and the code runs in the page.
    await page.evaluate(`(() => {
      window.progressSeen = [];
      const sample = () => {
        const v = document.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow');
        if (v != null && Number(v) !== window.progressSeen.at(-1)) window.progressSeen.push(Number(v));
        requestAnimationFrame(sample);
      };
      sample();
    })()`);
    return () => page.evaluate<number[]>('window.progressSeen');
  }

  it('captures, finds, edits inline with history, forgets with undo, trashes, restores, purges, filters and pages', async () => {
    const { context, page, errors } = await open();
    const fact = 'The spare bike key hangs behind the garage door';
    await page.getByRole('textbox', { name: 'Remember a fact' }).fill(fact);
    await page.getByRole('button', { name: 'Remember', exact: true }).click();
    await expect
      .poll(() => page.getByRole('status', { name: 'Capture result' }).textContent())
      .toBe('Remembered.');
    await page.getByRole('searchbox', { name: 'Search your memory' }).fill('spare bike key');
    await expect
      .poll(() => page.getByRole('list', { name: 'Results' }).locator('li').first().textContent())
      .toContain(fact);

    await showFacts(page);
    const facts = page.getByRole('region', { name: 'Facts' });
    await expect.poll(() => facts.textContent()).toContain(fact);
    await expect
      .poll(() => facts.textContent())
      .toContain('234 facts, newest first. Showing the newest 100.');

    // Edit inline: Enter saves content and label; the row shows them and so does the database.
    await page.getByRole('button', { name: `Edit “${fact}”` }).click();
    const editor = page.getByRole('form', { name: `Edit “${fact}”` });
    const edited = 'The spare bike key hangs behind the shed door';
    await editor.getByLabel('Fact').fill(edited);
    await editor.getByLabel('Label').fill('bikes');
    await editor.getByLabel('Confidence').fill('0.8');
    await expect
      .poll(() => editor.getByRole('region', { name: 'Earlier wordings' }).textContent())
      .toContain('None');
    await editor.getByLabel('Fact').press('Enter');
    await expect.poll(() => editor.count()).toBe(0);
    const row = facts.getByRole('listitem').filter({ hasText: edited });
    await expect.poll(() => row.textContent()).toContain('bikes');
    expect(await row.textContent()).toContain('80% sure');
    const id = (
      t.mem.memory.db.prepare('SELECT id FROM facts WHERE content = ?').get(edited) as { id: number }
    ).id;
    expect(t.mem.memory.get(id)).toMatchObject({ label: 'bikes', confidence: 0.8 });

    // Esc drops a draft; a refused change stays open with the reason inline.
    await page.getByRole('button', { name: `Edit “${edited}”` }).click();
    const editor2 = page.getByRole('form', { name: `Edit “${edited}”` });
    await editor2.getByLabel('Fact').fill('something else entirely');
    await editor2.getByLabel('Fact').press('Escape');
    await expect.poll(() => editor2.count()).toBe(0);
    expect(t.mem.memory.get(id).content).toBe(edited);
    await page.getByRole('button', { name: `Edit “${edited}”` }).click();
    await editor2.getByLabel('Confidence').fill('2');
    await editor2.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => editor2.getByRole('alert').textContent())
      .toMatch(/confidence must be between 0 and 1/);
    await editor2.getByLabel('Confidence').fill('0.8');
    await editor2.getByLabel('Fact').fill('   ');
    await editor2.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => editor2.getByRole('alert').textContent()).toMatch(/content must not be empty/);
    expect(t.mem.memory.get(id)).toMatchObject({ content: edited, confidence: 0.8 });
    await editor2.getByRole('button', { name: 'Cancel' }).click();

    // A merged fact's editor shows the wording it replaced.
    await page.getByRole('button', { name: `Edit “${PLANNING} sharp”` }).click();
    const history = page.getByRole('region', { name: 'Earlier wordings' });
    await expect
      .poll(() => history.getByRole('listitem').allTextContents())
      .toEqual([expect.stringContaining(PLANNING)]);
    await page.screenshot({ path: join(SHOTS, 'facts-editor-history.png') });
    await page.keyboard.press('Escape');

    // Forget, then Undo.
    await page.getByRole('button', { name: `Forget “${edited}”` }).click();
    await expect.poll(() => facts.textContent()).not.toContain(edited);
    expect(t.mem.memory.get(id).deleted_at).not.toBeNull();
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => facts.textContent()).toContain(edited);
    expect(t.mem.memory.get(id).deleted_at).toBeNull();

    // Forget two, restore one from the Trash, delete the other for good (after the confirm).
    await page.getByRole('button', { name: `Forget “${edited}”` }).click();
    await page.getByRole('button', { name: 'Forget “Allergic to penicillin”' }).click();
    await expect.poll(() => facts.textContent()).not.toContain('Allergic to penicillin');
    await page.getByRole('button', { name: 'Trash', exact: true }).click();
    const trash = page.getByRole('region', { name: 'Trash' });
    await expect.poll(() => trash.textContent()).toContain('2 forgotten facts');
    await page.getByRole('button', { name: `Restore “${edited}”` }).click();
    await expect.poll(() => trash.textContent()).toContain('1 forgotten fact:');
    const allergy = (
      t.mem.memory.db.prepare("SELECT id FROM facts WHERE content = 'Allergic to penicillin'").get() as {
        id: number;
      }
    ).id;
    await page.getByRole('button', { name: 'Delete “Allergic to penicillin” for good' }).click();
    await expect.poll(() => trash.textContent()).toContain('The trash is empty.');
    expect(count(`id = ${allergy}`)).toBe(0);
    expect(t.mem.memory.get(id).deleted_at).toBeNull();
    await page.getByRole('button', { name: 'Timeline' }).click();

    // Filter by label, then clear.
    const filters = page.getByRole('group', { name: 'Filters' });
    await filters.getByLabel('Label').selectOption('health');
    await expect.poll(() => facts.textContent()).toContain('1 fact matches the filters');
    expect(await facts.getByRole('listitem').allTextContents()).toEqual([
      expect.stringContaining('Blood pressure'),
    ]);
    await filters.getByLabel('Label').selectOption('bikes');
    await expect
      .poll(() => facts.getByRole('listitem').allTextContents())
      .toEqual([expect.stringContaining(edited)]);
    await filters.getByRole('button', { name: 'Clear filters' }).click();

    // Paging: Show more until every fact is listed.
    await expect.poll(() => facts.getByRole('listitem').count()).toBe(100);
    await page.getByRole('button', { name: 'Show more' }).click();
    await expect.poll(() => facts.getByRole('listitem').count()).toBe(200);
    await page.getByRole('button', { name: 'Show more' }).click();
    await expect.poll(() => facts.getByRole('listitem').count()).toBe(233);
    expect(await page.getByRole('button', { name: 'Show more' }).count()).toBe(0);
    // The two refused edits, answered 400 by the server; nothing else went wrong.
    expect(errors, errors.join('\n')).toEqual(Array(2).fill(expect.stringContaining('status of 400')));
    await context.close();
  });

  it('imports a few thousand facts with visible progress, undoes it, cancels one, and refuses a bad file', async () => {
    const { context, page, errors } = await open();
    await showFacts(page);
    await page.getByRole('button', { name: 'Import / export' }).click();
    const panel = page.getByRole('region', { name: 'Import and export' });
    const input = panel.getByLabel('Import facts from a file');
    const progress = panel.getByRole('progressbar', { name: 'Import progress' });

    const before = count();
    const seen = await watchProgress(page);
    await input.setInputFiles(textFile('many.txt', distinctFacts(2500, 'imported ')));
    await expect
      .poll(() => panel.textContent(), { timeout: 120_000 })
      .toContain('Imported 2500 facts from “many.txt”: 2500 new');
    const values = await seen();
    expect(values.at(-1)).toBe(2500);
    // It moved while the import ran, not just from nothing to done.
    expect(
      values.some((v) => v > 0 && v < 2500),
      values.join(','),
    ).toBe(true);
    expect(await progress.getAttribute('aria-valuemax')).toBe('2500');
    expect(count()).toBe(before + 2500);
    // The Facts view behind the panel lists them.
    await expect
      .poll(() => page.getByRole('region', { name: 'Facts' }).textContent())
      .toContain(`${before + 2500} facts`);

    await panel.getByRole('button', { name: 'Undo import (2500 new facts)' }).click();
    await expect
      .poll(() => panel.textContent(), { timeout: 120_000 })
      .toContain('Import undone: the 2500 facts it created are in the Trash.');
    expect(count()).toBe(before);
    expect(count("deleted_at IS NOT NULL AND content LIKE 'imported %'")).toBe(2500);

    // Cancel: stops after the batch in flight and says how many were imported.
    await input.setInputFiles(textFile('cancelled.txt', distinctFacts(2500, 'cancelled ')));
    await panel.getByRole('button', { name: 'Cancel import' }).click();
    await expect
      .poll(() => panel.textContent(), { timeout: 60_000 })
      .toMatch(/Import cancelled: \d+ of 2500 facts/);
    const imported = Number(/Import cancelled: (\d+) of 2500/.exec((await panel.textContent())!)![1]);
    expect(imported).toBeGreaterThan(0);
    expect(imported).toBeLessThan(2500);
    expect(count("deleted_at IS NULL AND content LIKE 'cancelled %'")).toBe(imported);
    await panel.getByRole('button', { name: /Undo import/ }).click();
    await expect.poll(() => panel.textContent(), { timeout: 60_000 }).toContain('Import undone');
    expect(count()).toBe(before);

    // A bad file: its lines and reasons, and nothing stored.
    const snapshot = t.snapshot();
    await input.setInputFiles({
      name: 'broken.jsonl',
      mimeType: 'application/x-ndjson',
      buffer: Buffer.from(
        '{"content": "fine"}\n{"content": ""}\nnot json\n{"content": "x", "confidence": 7}\n',
      ),
    });
    const alert = panel.getByRole('alert');
    await expect
      .poll(() => alert.textContent())
      .toContain('Nothing was imported: 3 lines of “broken.jsonl” are not valid.');
    expect(
      await panel.getByRole('list', { name: 'Invalid lines' }).getByRole('listitem').allTextContents(),
    ).toEqual([
      'Line 2 content: content must not be empty',
      expect.stringMatching(/^Line 3 not valid JSON/),
      'Line 4 confidence: confidence must be between 0 and 1',
    ]);
    expect(t.snapshot()).toBe(snapshot);
    await page.screenshot({ path: join(SHOTS, 'facts-import-refused.png') });
    expect(errors, errors.join('\n')).toEqual([]);
    await context.close();
  }, 300_000);

  it('exports a file that imports back as the same facts, forgotten ones when asked', async () => {
    const { context, page } = await open();
    await showFacts(page);
    await page.getByRole('button', { name: 'Import / export' }).click();
    const panel = page.getByRole('region', { name: 'Import and export' });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      panel.getByRole('button', { name: 'Export facts' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^hippo-export-\d{4}-\d{2}-\d{2}\.jsonl$/);
    const file = join(t.mem.dir, download.suggestedFilename());
    await download.saveAs(file);
    const text = readFileSync(file, 'utf8');
    const live = [...t.mem.memory.exportRecords()].filter((r) => r.deleted_at === undefined);
    expect(text).toBe(live.map((r) => `${JSON.stringify(r)}\n`).join(''));
    await expect
      .poll(() => panel.textContent())
      .toContain(`Exported ${live.length} facts to ${download.suggestedFilename()}`);
    expect(parseImport(text, 'jsonl').errors).toEqual([]);

    // With forgotten facts: every record, as `hippo export` writes them.
    await panel.getByLabel('Include forgotten facts').check();
    const [all] = await Promise.all([
      page.waitForEvent('download'),
      panel.getByRole('button', { name: 'Export facts' }).click(),
    ]);
    const allText = readFileSync((await all.path())!, 'utf8');
    expect(allText).toBe([...t.mem.memory.exportRecords()].map((r) => `${JSON.stringify(r)}\n`).join(''));

    // Round trip: the downloaded file imports back as facts already known, nothing new.
    const snapshot = t.snapshot();
    await panel.getByLabel('Import facts from a file').setInputFiles(file);
    await expect
      .poll(() => panel.textContent(), { timeout: 60_000 })
      .toContain(
        `Imported ${live.length} facts from “${download.suggestedFilename()}”: 0 new, ${live.length} already known`,
      );
    expect(t.snapshot()).toBe(snapshot);
    await context.close();
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    for (const size of [
      { width: 1280, height: 800 },
      { width: 800, height: 600 },
    ]) {
      it(`looks right with the editor open and an import running (${colorScheme}, ${size.width}×${size.height})`, async () => {
        const { context, page, errors } = await open(size, colorScheme);
        await showFacts(page);
        await page.getByRole('button', { name: `Edit “${PLANNING} sharp”` }).click();
        await expect
          .poll(() => page.getByRole('region', { name: 'Earlier wordings' }).getByRole('listitem').count())
          .toBe(1);
        await page.getByRole('form', { name: /^Edit/ }).scrollIntoViewIfNeeded();
        await page.screenshot({
          path: join(SHOTS, `facts-editor-${colorScheme}-${size.width}x${size.height}.png`),
        });
        await page.keyboard.press('Escape');

        await page.getByRole('button', { name: 'Import / export' }).click();
        const panel = page.getByRole('region', { name: 'Import and export' });
        const progress = panel.getByRole('progressbar', { name: 'Import progress' });
        const tag = `${colorScheme}${size.width}`;
        await panel
          .getByLabel('Import facts from a file')
          .setInputFiles(textFile(`${tag}.txt`, distinctFacts(2000, `${tag} `)));
        await expect
          .poll(async () => Number(await progress.getAttribute('aria-valuenow')), { timeout: 60_000 })
          .toBeGreaterThan(0);
        await page.screenshot({
          path: join(SHOTS, `facts-import-${colorScheme}-${size.width}x${size.height}.png`),
        });
        // The whole import and its cancel are tested above; here it only has to be seen running.
        // Imports are fast enough now to finish while the screenshot is taken: cancel it if not.
        await panel
          .getByRole('button', { name: 'Cancel import' })
          .click({ timeout: 2_000 })
          .catch(() => undefined);
        await expect
          .poll(() => panel.textContent(), { timeout: 60_000 })
          .toMatch(/Import cancelled|Imported 2000 facts/);
        await panel.getByRole('button', { name: /Undo import/ }).click();
        await expect.poll(() => panel.textContent(), { timeout: 60_000 }).toContain('Import undone');
        expect(errors, errors.join('\n')).toEqual([]);
        await context.close();
      }, 300_000);
    }
  }
});
