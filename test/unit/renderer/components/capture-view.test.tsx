// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../../../src/renderer/src/App';
import type { HippoApi } from '../../../../src/shared/hippo-api';
import { openRealClient } from './real-client';

/**
 * The page at #capture as App renders it. In the desktop app (window.hippo present) it closes its
 * window when done; in a browser tab it must not try. window.close is recorded rather than run,
 * since closing happy-dom's window would end the test's document.
 */
describe('the quick-capture view of App', () => {
  let real: ReturnType<typeof openRealClient>;
  let closes: number;
  const realClose = window.close.bind(window);

  beforeAll(() => {
    real = openRealClient();
    window.close = () => {
      closes++;
    };
  });
  afterAll(async () => {
    window.close = realClose;
    await real.close();
  });
  afterEach(() => {
    cleanup();
    delete (window as { hippo?: HippoApi }).hippo;
  });

  async function renderCapture(desktop: boolean) {
    closes = 0;
    if (desktop) {
      Object.defineProperty(window, 'hippo', {
        value: Object.freeze({ ...real.client, version: '0.0.0-test' }),
        configurable: true,
      });
    }
    render(<App client={real.client} view="capture" />);
    const box = screen.getByRole<HTMLInputElement>('textbox', { name: 'Remember a fact' });
    await waitFor(() => expect(box.disabled).toBe(false));
    await waitFor(() => expect(document.activeElement).toBe(box));
    expect(screen.queryByRole('searchbox')).toBeNull();
    return { box, user: userEvent.setup() };
  }

  it('in the desktop window: Enter saves then closes the window; Escape closes it unsaved', async () => {
    const { box, user } = await renderCapture(true);
    await user.type(box, 'The wifi password is on the fridge{Enter}');
    await waitFor(() => expect(closes).toBe(1));
    const stored = real.memory.db.prepare('SELECT count(*) FROM facts WHERE content = ?').pluck();
    expect(stored.get('The wifi password is on the fridge')).toBe(1);

    await user.type(box, 'not this one{Escape}');
    expect(closes).toBe(2);
    expect(box.value).toBe('');
    expect(stored.get('not this one')).toBe(0);
  });

  it('in a browser tab: Enter saves and Escape clears, and neither closes anything', async () => {
    const { box, user } = await renderCapture(false);
    await user.type(box, 'The bins go out on Monday{Enter}');
    expect((await screen.findByRole('status', { name: 'Capture result' })).textContent).toBe('Remembered.');
    await user.type(box, 'a passing thought{Escape}');
    expect(box.value).toBe('');
    expect(closes).toBe(0);
  });
});
