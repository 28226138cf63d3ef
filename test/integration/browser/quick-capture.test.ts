import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IPC_CHANNEL_NAMES } from '../../../src/shared/hippo-api';
import { buildApp, type BuiltApp } from '../../unit/app-shell/build-app';
import { startTestServer, type TestServer } from '../server/server-harness';
import { chromiumAvailable, launchChromium, SHOTS } from './chromium-harness';

const haveChromium = chromiumAvailable('quick-capture browser tests');

/**
 * Stands in for the preload in a plain Chromium page: a `window.hippo` whose channels reach the same
 * app service, over the served API instead of IPC. The page then takes the desktop path (it sees
 * window.hippo), which is the one that closes the capture window.
 */
async function installBridge(context: BrowserContext, token: string): Promise<void> {
  await context.addInitScript(
    ({ channels, token }) => {
      const hippo: Record<string, unknown> = { version: '0.0.0-bridge' };
      for (const channel of channels) {
        hippo[channel] = async (input: unknown) => {
          const r = await fetch(`/api/v1/call/${channel}`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify(input ?? {}),
          });
          return r.json();
        };
      }
      Object.defineProperty(globalThis, 'hippo', { value: Object.freeze(hippo) });
    },
    { channels: [...IPC_CHANNEL_NAMES], token },
  );
}

describe.skipIf(!haveChromium)('the quick-capture window (#capture) in Chromium at 560×260', () => {
  let app: BuiltApp;
  let t: TestServer;
  let browser: Browser;
  const count = (content: string) =>
    (
      t.mem.memory.db.prepare('SELECT count(*) AS n FROM facts WHERE content = ?').get(content) as {
        n: number;
      }
    ).n;

  beforeAll(async () => {
    app = await buildApp();
    t = await startTestServer({ rendererDir: join(app.dir, 'renderer') });
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    app?.remove();
  });

  async function whenReady(page: Page): Promise<Page> {
    const box = page.getByRole('textbox', { name: 'Remember a fact' });
    await expect.poll(() => box.isEnabled()).toBe(true);
    expect(await box.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    return page;
  }

  /**
   * Chromium lets a page close only a window a script opened (Electron lets a BrowserWindow's page
   * close it), so here the capture page is opened the way an app opens a window: by script.
   */
  async function openCaptureWindow(context: BrowserContext, url: string): Promise<Page> {
    const opener = await context.newPage();
    const [popup] = await Promise.all([
      context.waitForEvent('page'),
      opener.evaluate((u) => {
        (globalThis as unknown as { open(url: string, name: string, features: string): unknown }).open(
          u,
          '_blank',
          'popup,width=560,height=260',
        );
      }, url),
    ]);
    await popup.waitForLoadState();
    return whenReady(popup);
  }

  /** Presses a key that should close the page; the press itself may lose the race with the close. */
  async function pressToClose(page: Page, key: string): Promise<boolean> {
    const closed = new Promise<true>((resolve) => page.once('close', () => resolve(true)));
    await page.keyboard.press(key).catch((e: Error) => {
      if (!page.isClosed()) throw e;
    });
    return closed;
  }

  it('as the desktop window: Enter saves and closes it, Escape closes it without saving', async () => {
    const context = await browser.newContext({ viewport: { width: 560, height: 260 } });
    await installBridge(context, t.server.token);

    const page = await openCaptureWindow(context, `${t.server.url}/#capture`);
    const box = page.getByRole('textbox', { name: 'Remember a fact' });
    await box.fill('The passport expires in 2031');
    await page.screenshot({ path: join(SHOTS, 'quick-capture-desktop.png') });
    expect(await pressToClose(page, 'Enter')).toBe(true);
    expect(count('The passport expires in 2031')).toBe(1);

    const again = await openCaptureWindow(context, `${t.server.url}/#capture`);
    await again.getByRole('textbox', { name: 'Remember a fact' }).fill('never mind this');
    expect(await pressToClose(again, 'Escape')).toBe(true);
    expect(count('never mind this')).toBe(0);
    await context.close();
  });

  it('as the desktop window: a failed save keeps the window, the text and says why', async () => {
    const context = await browser.newContext({ viewport: { width: 560, height: 260 } });
    await installBridge(context, t.server.token);
    const page = await openCaptureWindow(context, `${t.server.url}/#capture`);
    let closedEarly = false;
    page.once('close', () => (closedEarly = true));
    const box = page.getByRole('textbox', { name: 'Remember a fact' });
    const tooLong = 'y'.repeat(50_001);
    await box.fill(tooLong);
    await box.press('Enter');
    await expect
      .poll(() => page.getByRole('alert', { name: 'Capture failed' }).textContent())
      .toContain('content must be at most 50000 characters');
    await page.screenshot({ path: join(SHOTS, 'quick-capture-failed.png') });
    expect(await box.inputValue()).toBe(tooLong);
    expect(closedEarly).toBe(false);
    await context.close();
  });

  it('in a plain browser tab: Escape only clears the box and the tab stays', async () => {
    const context = await browser.newContext({ viewport: { width: 560, height: 260 } });
    // Opened by script, so a window.close() would succeed: the tab staying shows none was called.
    const page = await openCaptureWindow(context, `${t.server.openUrl}#capture`);
    let closedTab = false;
    page.once('close', () => (closedTab = true));
    const box = page.getByRole('textbox', { name: 'Remember a fact' });
    await box.fill('a draft to drop');
    await box.press('Escape');
    expect(await box.inputValue()).toBe('');
    await box.fill('The gate code is 1942');
    await box.press('Enter');
    await expect
      .poll(() => page.getByRole('status', { name: 'Capture result' }).textContent())
      .toBe('Remembered.');
    expect(count('The gate code is 1942')).toBe(1);
    expect(count('a draft to drop')).toBe(0);
    expect(closedTab).toBe(false);
    expect(page.isClosed()).toBe(false);
    await context.close();
  });
});
