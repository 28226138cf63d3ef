// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CaptureBox } from '../../../../src/renderer/src/screens/CaptureBox';
import { createMemoryStore } from '../../../../src/renderer/src/store/memory-store';
import { LIMITS } from '../../../../src/shared/contract';
import { openRealClient } from './real-client';

describe('CaptureBox over the real app service', () => {
  let real: ReturnType<typeof openRealClient>;
  const factCount = () =>
    (
      real.memory.db.prepare('SELECT COUNT(*) AS n FROM facts WHERE deleted_at IS NULL').get() as {
        n: number;
      }
    ).n;

  beforeAll(async () => {
    real = openRealClient();
    await real.memory.encode({ content: 'Priya lives in Toronto' });
    await real.memory.encode({ content: 'Blood type is O negative', label: 'health', category: 'medical' });
  });
  afterAll(async () => real.close());
  afterEach(cleanup);

  async function renderBox(onClose?: () => void) {
    const store = createMemoryStore(real.client, { delayMs: 10 });
    await store.getState().connect();
    render(<CaptureBox store={store} onClose={onClose} />);
    const input = screen.getByRole<HTMLInputElement>('textbox', { name: 'Remember a fact' });
    expect(input.disabled).toBe(false);
    return { store, input, user: userEvent.setup() };
  }

  it('shows facts close to the draft while typing, from memory:similar', async () => {
    const { input, user } = await renderBox();
    await user.type(input, 'Priya lives in Toronto, Canada');
    const list = await screen.findByRole('list', { name: 'Similar facts' });
    expect(within(list).getAllByRole('listitem')[0]?.textContent).toMatch(
      /^Priya lives in Toronto · \d+% similar$/,
    );
    await user.clear(input);
    await waitFor(() => expect(screen.queryByRole('list', { name: 'Similar facts' })).toBeNull());
  });

  it('saves on Enter, says so, and empties the box', async () => {
    const before = factCount();
    const { input, user } = await renderBox();
    await user.type(input, 'Sam prefers tea over coffee{Enter}');
    expect((await screen.findByRole('status', { name: 'Capture result' })).textContent).toBe('Remembered.');
    expect(input.value).toBe('');
    expect(factCount()).toBe(before + 1);
    const stored = real.memory.db
      .prepare('SELECT content FROM facts WHERE content = ? AND deleted_at IS NULL')
      .all('Sam prefers tea over coffee');
    expect(stored).toHaveLength(1);
  });

  it('keeps the text and shows the error when the save fails', async () => {
    const before = factCount();
    const closes: string[] = [];
    const { input, user } = await renderBox(() => closes.push('close'));
    const tooLong = 'x'.repeat(LIMITS.contentMaxChars + 1);
    await user.click(input);
    await user.paste(tooLong);
    await user.keyboard('{Enter}');
    const alert = await screen.findByRole('alert', { name: 'Capture failed' });
    expect(alert.textContent).toContain(`content must be at most ${LIMITS.contentMaxChars} characters`);
    expect(input.value).toBe(tooLong);
    expect(factCount()).toBe(before);
    expect(closes).toEqual([]);
    // Editing the draft takes the stale error away.
    await user.type(input, '{Backspace}');
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
  });

  it('in the quick-capture view, Enter saves then closes and Escape drops the draft then closes', async () => {
    const closes: string[] = [];
    const { store, input, user } = await renderBox(() => closes.push(store.getState().draft));
    await user.type(input, 'The boiler service is due in March{Enter}');
    await waitFor(() => expect(closes).toEqual(['']));
    expect(
      real.memory.db
        .prepare('SELECT COUNT(*) AS n FROM facts WHERE content = ?')
        .get('The boiler service is due in March'),
    ).toEqual({ n: 1 });

    const before = factCount();
    await user.type(input, 'half a thought');
    await user.keyboard('{Escape}');
    expect(closes).toEqual(['', '']);
    expect(input.value).toBe('');
    expect(factCount()).toBe(before);
  });

  it('outside the quick-capture view Escape leaves the draft alone', async () => {
    const { input, user } = await renderBox();
    await user.type(input, 'still typing{Escape}');
    expect(input.value).toBe('still typing');
  });

  it('saves an optional label and category, suggesting the names already in use', async () => {
    const { store, input, user } = await renderBox();
    const label = screen.getByRole<HTMLInputElement>('combobox', { name: 'Label' });
    const category = screen.getByRole<HTMLInputElement>('combobox', { name: 'Category' });
    const options = (field: HTMLInputElement) =>
      Array.from(
        document.getElementById(field.getAttribute('list') ?? '')?.querySelectorAll('option') ?? [],
      ).map((o) => o.value);
    expect(options(label)).toContain('health');
    expect(options(category)).toEqual(expect.arrayContaining(['general', 'medical']));

    await user.type(label, 'health');
    await user.type(category, 'medical');
    await user.type(input, 'Allergic to penicillin{Enter}');
    expect((await screen.findByRole('status', { name: 'Capture result' })).textContent).toBe('Remembered.');
    const row = real.memory.db
      .prepare(
        `SELECT f.category, l.name AS label FROM facts f LEFT JOIN labels l ON l.id = f.label_id
         WHERE f.content = ?`,
      )
      .get('Allergic to penicillin');
    expect(row).toEqual({ category: 'medical', label: 'health' });
    // The next fact starts without them.
    expect(label.value).toBe('');
    expect(category.value).toBe('');
    expect(store.getState().draftLabel).toBe('');
  });

  it('in the quick-capture view Escape in the label field closes too, dropping everything', async () => {
    const closes: string[] = [];
    const before = factCount();
    const { store, input, user } = await renderBox(() => closes.push('close'));
    await user.type(input, 'unsaved thought');
    const label = screen.getByRole<HTMLInputElement>('combobox', { name: 'Label' });
    await user.type(label, 'work{Escape}');
    expect(closes).toEqual(['close']);
    expect(store.getState()).toMatchObject({ draft: '', draftLabel: '' });
    expect(factCount()).toBe(before);
  });
});
